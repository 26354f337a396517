package dev.memlogd.forward;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/** Opens a {@link Collector} for a {@link Destination}. Stateless. */
final class Collectors {
    private Collectors() {
    }

    /**
     * Connects (TLS: and completes the handshake, the server's certificate checked against the
     * trusted CAs and its name against the destination's host; RELP: and opens the session).
     *
     * @param tls     for {@code tls://} and {@code relp+tls://}, else unused
     * @param onEvent called (from another thread) when the connection ends or fails, and when
     *                RELP acknowledges after {@link Collector#wakeOnAcknowledgement()}
     * @throws IOException one line saying what failed: refused, timed out, a certificate not
     *         trusted or not for this host, a RELP session refused
     */
    static Collector open(ForwardOptions options, SSLContext tls, Runnable onEvent) throws IOException {
        Destination to = options.to();
        int timeoutMillis = options.connectTimeoutMillis();
        InetSocketAddress address = new InetSocketAddress(to.host(), to.port());
        if (address.isUnresolved()) {
            throw new IOException("cannot resolve " + to.host());
        }
        if (to.scheme() == Destination.Scheme.UDP) {
            return new UdpCollector(address);
        }
        Socket socket = new Socket();
        try {
            socket.connect(address, timeoutMillis);
            socket.setTcpNoDelay(false);
            socket.setKeepAlive(true);
            if (to.scheme().tls()) {
                SSLSocket ssl = (SSLSocket) tls.getSocketFactory().createSocket(socket, to.host(), to.port(), true);
                SSLParameters parameters = ssl.getSSLParameters();
                parameters.setEndpointIdentificationAlgorithm("HTTPS"); // the certificate must name the host
                ssl.setSSLParameters(parameters);
                ssl.setSoTimeout(timeoutMillis);
                try {
                    ssl.startHandshake();
                } catch (SSLHandshakeException e) {
                    throw new IOException("TLS handshake with " + to + " failed: " + why(e, to), e);
                }
                ssl.setSoTimeout(0);
                socket = ssl;
            }
            if (to.scheme().relp()) {
                return RelpCollector.open(socket, "collector " + to, options.relpWindow(), options.maxMessageBytes(),
                        timeoutMillis, onEvent);
            }
            return new StreamCollector(socket, "collector " + to,
                    TimeUnit.MILLISECONDS.toNanos(options.ackWindowMillis()), onEvent);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    /** What a handshake failure means, for one line: the root cause, said plainly. */
    private static String why(SSLHandshakeException e, Destination to) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        if (message.contains("PKIX path") || message.contains("unable to find valid certification path")) {
            return "its certificate is not signed by a trusted CA (-ca-file): " + message;
        }
        if (root instanceof CertificateException && (message.contains("No name matching")
                || message.contains("No subject alternative"))) {
            return "its certificate is not for " + to.host() + ": " + message;
        }
        return message;
    }
}
