package dev.memlogd.daemon.fd;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.nio.channels.SelectableChannel;
import java.lang.invoke.MethodType;
import java.net.ProtocolFamily;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.spi.SelectorProvider;
import java.nio.charset.StandardCharsets;

import org.newsclub.net.unix.AFUNIXSocketChannel;
import org.newsclub.net.unix.AFUNIXSocketPair;
import org.newsclub.net.unix.FileDescriptorCast;

/**
 * Turns file descriptors that came from elsewhere (received over {@code SCM_RIGHTS}, or
 * inherited) into channels the JDK's own epoll {@link Selector} can multiplex.
 *
 * <p>Why this route (docs/architecture.md has the comparison): the JDK has no public way
 * to make a selectable channel from a raw fd, and junixsocket's selector is poll(2)-based
 * and refuses FIFOs. The JDK's pipe source channel ({@code sun.nio.ch.SourceChannelImpl})
 * is a plain "read(2) on an fd" channel that works for pipes, FIFOs and stream sockets
 * alike, and registers with the epoll selector at O(1) per event. Using it needs
 * {@code Add-Opens: java.base/sun.nio.ch} (in the jar manifest). Because that is a JDK
 * internal, {@link #selfTest()} proves at startup, on the running JDK, that a wrapped
 * socketpair end and a wrapped pipe are selected, read and closed as expected.
 *
 * <p>Ownership: a wrapped channel owns its fd; closing the channel closes the fd.
 * Thread-safe (stateless after class initialisation).
 */
public final class FdChannels {
    private static final MethodHandle SOURCE_CHANNEL;
    private static final MethodHandle SERVER_CHANNEL;
    private static final MethodHandle PIPE_FD;
    private static final Throwable UNAVAILABLE;

    static {
        MethodHandle source = null;
        MethodHandle server = null;
        MethodHandle pipeFd = null;
        Throwable failure = null;
        try {
            MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(
                    Class.forName("sun.nio.ch.SourceChannelImpl"), MethodHandles.lookup());
            source = lookup.findConstructor(lookup.lookupClass(),
                    MethodType.methodType(void.class, SelectorProvider.class, FileDescriptor.class));
            MethodHandles.Lookup serverLookup = MethodHandles.privateLookupIn(
                    Class.forName("sun.nio.ch.ServerSocketChannelImpl"), MethodHandles.lookup());
            server = serverLookup.findConstructor(serverLookup.lookupClass(), MethodType.methodType(void.class,
                    SelectorProvider.class, ProtocolFamily.class, FileDescriptor.class, boolean.class));
            Class<?> selCh = Class.forName("sun.nio.ch.SelChImpl");
            pipeFd = MethodHandles.privateLookupIn(selCh, MethodHandles.lookup())
                    .findVirtual(selCh, "getFD", MethodType.methodType(FileDescriptor.class));
        } catch (ReflectiveOperationException | RuntimeException e) {
            failure = e;
        }
        PIPE_FD = pipeFd;
        SOURCE_CHANNEL = source;
        SERVER_CHANNEL = server;
        UNAVAILABLE = failure;
    }

    private FdChannels() {
    }

    /**
     * Wraps a readable fd (pipe or FIFO read end, stream socket) as a selectable, readable channel,
     * in blocking mode (call {@code configureBlocking(false)} before registering).
     *
     * @throws IOException if the running JDK does not allow the wrap (see {@link #selfTest()})
     */
    public static Pipe.SourceChannel readable(FileDescriptor fd) throws IOException {
        requireAvailable();
        try {
            return (Pipe.SourceChannel) SOURCE_CHANNEL.invoke(SelectorProvider.provider(), fd);
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException("cannot wrap fd as a channel: " + t, t);
        }
    }

    /**
     * Wraps an inherited, bound and listening Unix stream socket ({@code -fd-query}) as a JDK
     * server channel whose {@code accept()} returns ordinary JDK socket channels.
     */
    public static ServerSocketChannel listeningUnixSocket(FileDescriptor fd) throws IOException {
        requireAvailable();
        try {
            return (ServerSocketChannel) SERVER_CHANNEL.invoke(
                    SelectorProvider.provider(), StandardProtocolFamily.UNIX, fd, true);
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException("cannot wrap fd " + t + " as a server socket", t);
        }
    }

    /** The fd number behind a FileDescriptor (junixsocket reads it natively; no reflection). */
    public static int fdNumber(FileDescriptor fd) throws IOException {
        return FileDescriptorCast.using(fd).as(Integer.class);
    }

    /** The fd number of a JDK selectable channel (any of sun.nio.ch's: pipe, socket, server socket). */
    public static int fdNumber(SelectableChannel channel) throws IOException {
        requireAvailable();
        FileDescriptor fd;
        try {
            fd = (FileDescriptor) PIPE_FD.invoke(channel);
        } catch (Throwable t) {
            throw new IOException("cannot read the fd of " + channel + ": " + t, t);
        }
        return fdNumber(fd);
    }

    /** A FileDescriptor for an fd number this process owns, such as an inherited one. */
    public static FileDescriptor fromNumber(int fd) throws IOException {
        return FileDescriptorCast.unsafeUsing(fd).getFileDescriptor();
    }

    /** Closes a raw fd that no channel owns (a stray from a truncated datagram, a refused source). */
    public static void closeQuietly(FileDescriptor fd) {
        try {
            new FileInputStream(fd).close();
        } catch (IOException | RuntimeException e) {
            // Nothing left to do: the fd is either closed or unusable.
        }
    }

    private static void requireAvailable() throws IOException {
        if (UNAVAILABLE != null) {
            throw new IOException("this JDK (" + Runtime.version() + ") does not let memlogd wrap fds as channels;"
                    + " run with --add-opens java.base/sun.nio.ch=ALL-UNNAMED: " + UNAVAILABLE, UNAVAILABLE);
        }
    }

    /**
     * Proves, on the running JDK, everything the daemon relies on: a socketpair end (what
     * LinuxKit's init sends for on-boot actions) and a pipe read end (standing in for a
     * FIFO, the same kernel object) are wrapped, selected as readable by the JDK selector,
     * read, report EOF, and closing the wrapper closes the fd.
     *
     * @throws IOException with what failed, so the daemon can refuse to start with a clear error
     */
    public static void selfTest() throws IOException {
        try (Selector selector = Selector.open();
             AFUNIXSocketPair<AFUNIXSocketChannel> pair = AFUNIXSocketPair.open()) {
            Pipe pipe = Pipe.open();
            try (Pipe.SinkChannel sink = pipe.sink()) {
                FileDescriptor pairEnd = FileDescriptorCast.duplicating(pair.getSocket2().getFileDescriptor())
                        .getFileDescriptor();
                FileDescriptor pipeEnd = FileDescriptorCast.duplicating(fdOf(pipe.source()))
                        .getFileDescriptor();
                pipe.source().close();
                checkWrapped(selector, pairEnd, () -> pair.getSocket1().write(bytes("x")),
                        () -> pair.getSocket1().close(), "socketpair");
                checkWrapped(selector, pipeEnd, () -> sink.write(bytes("x")), sink::close, "pipe");
            }
        } catch (IOException e) {
            throw new IOException("fd channel self-test failed on JDK " + Runtime.version() + ": " + e.getMessage(), e);
        }
    }

    private interface IoAction {
        void run() throws IOException;
    }

    private static void checkWrapped(Selector selector, FileDescriptor fd, IoAction write, IoAction closeWriter,
            String what) throws IOException {
        int number = fdNumber(fd);
        Pipe.SourceChannel ch = readable(fd);
        ch.configureBlocking(false);
        SelectionKey key = ch.register(selector, SelectionKey.OP_READ);
        write.run();
        closeWriter.run();
        ByteBuffer buf = ByteBuffer.allocate(8);
        int seen = 0;
        boolean eof = false;
        for (int round = 0; round < 100 && !eof; round++) {
            if (selector.select(100) == 0) {
                continue;
            }
            selector.selectedKeys().clear();
            int n = ch.read(buf);
            if (n < 0) {
                eof = true;
            } else {
                seen += n;
            }
        }
        if (seen != 1 || !eof) {
            throw new IOException(what + ": expected 1 byte then EOF through the selector, got " + seen
                    + " bytes, eof=" + eof);
        }
        String before = linkOf(number);
        key.cancel();
        ch.close();
        selector.selectNow(); // a registered channel's fd is closed at the next select
        if (before != null && before.equals(linkOf(number))) {
            throw new IOException(what + ": closing the wrapped channel did not close fd " + number);
        }
    }

    private static String linkOf(int fd) {
        try {
            return java.nio.file.Files.readSymbolicLink(java.nio.file.Path.of("/proc/self/fd/" + fd)).toString();
        } catch (IOException e) {
            return null;
        }
    }

    private static FileDescriptor fdOf(Pipe.SourceChannel source) throws IOException {
        requireAvailable();
        try {
            return (FileDescriptor) PIPE_FD.invoke(source);
        } catch (Throwable t) {
            throw new IOException("cannot read the fd of a JDK pipe: " + t, t);
        }
    }

    private static ByteBuffer bytes(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII));
    }
}
