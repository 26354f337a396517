package dev.memlogd.forward;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;

/**
 * UDP (RFC 5426): one message per datagram, nothing acknowledged, nothing known of what
 * arrived. Lossy by design (a collector that is down, a full receive buffer, the network):
 * documented as such in docs/forwarding.md.
 */
final class UdpCollector implements Collector {
    private final DatagramChannel channel;
    private long sent;

    UdpCollector(InetSocketAddress address) throws IOException {
        channel = DatagramChannel.open();
        try {
            channel.connect(address);
        } catch (IOException e) {
            channel.close();
            throw e;
        }
    }

    @Override
    public void send(byte[] message) {
        sent++;
        try {
            channel.write(ByteBuffer.wrap(message));
        } catch (IOException e) {
            // ICMP port unreachable from an earlier datagram, a full buffer: UDP loses it, as documented.
        }
    }

    @Override
    public void flush() {
    }

    @Override
    public String broken() {
        return null;
    }

    /** Every message sent: nothing comes back, and nothing better can be known. */
    @Override
    public long acknowledged(long nowNanos) {
        return sent;
    }

    @Override
    public boolean drain(long millis) {
        return false;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
