package dev.memlogd.testkit;

import java.io.Closeable;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A query socket that answers as LinuxKit's memlogd does, for clients that must work against
 * it: mode 0 gets {@code dump} and the connection closed; any other mode byte gets no answer
 * at all and the connection held open (LinuxKit's daemon hangs on a mode it does not know),
 * until {@link #close()}. Serves clients one after another on a thread.
 */
public final class LinuxKitQueryStandIn implements Closeable {
    private final ServerSocketChannel server;
    private final List<SocketChannel> held = new CopyOnWriteArrayList<>();
    private final List<Integer> modes = new CopyOnWriteArrayList<>();

    private LinuxKitQueryStandIn(ServerSocketChannel server) {
        this.server = server;
    }

    /** Binds {@code path} and serves {@code dump} (JSON lines, each ending in a newline) to mode 0. */
    public static LinuxKitQueryStandIn serve(Path path, String dump) throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(path));
        LinuxKitQueryStandIn standIn = new LinuxKitQueryStandIn(server);
        Thread thread = new Thread(() -> standIn.run(dump.getBytes(StandardCharsets.UTF_8)), "linuxkit-stand-in");
        thread.setDaemon(true);
        thread.start();
        return standIn;
    }

    private void run(byte[] dump) {
        try {
            while (true) {
                SocketChannel client = server.accept();
                ByteBuffer mode = ByteBuffer.allocate(1);
                if (client.read(mode) != 1) {
                    client.close();
                    continue;
                }
                modes.add((int) mode.get(0));
                if (mode.get(0) != 0) {
                    held.add(client);
                    continue;
                }
                ByteBuffer out = ByteBuffer.wrap(dump);
                while (out.hasRemaining()) {
                    client.write(out);
                }
                client.close();
            }
        } catch (IOException e) {
            // closed: the test is over
        }
    }

    /** The mode bytes received so far, in order. */
    public List<Integer> modes() {
        return List.copyOf(modes);
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (SocketChannel client : held) {
            client.close();
        }
    }
}
