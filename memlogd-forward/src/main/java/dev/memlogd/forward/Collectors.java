package dev.memlogd.forward;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.cert.CertificateException;

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
     * trusted CAs and its name against the destination's host).
     *
     * @param tls      for {@code tls://}, else unused
     * @param onBroken called (from another thread) when the connection ends or fails
     * @throws IOException one line saying what failed: refused, timed out, a certificate not
     *         trusted or not for this host
     */
    static Collector open(Destination to, SSLContext tls, int timeoutMillis, Runnable onBroken) throws IOException {
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
            if (to.scheme() == Destination.Scheme.TLS) {
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
            return new StreamCollector(socket, "collector " + to, onBroken);
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
