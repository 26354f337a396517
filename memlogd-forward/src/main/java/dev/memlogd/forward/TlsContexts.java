package dev.memlogd.forward;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The TLS context of a {@code tls://} destination, from PEM files: the CAs the collector's
 * certificate must chain to (else the JDK's default trust store), and optionally this
 * forwarder's certificate chain and its PKCS#8 private key (RSA, EC or Ed25519;
 * {@code -----BEGIN PRIVATE KEY-----}, unencrypted). Stateless.
 */
final class TlsContexts {
    private TlsContexts() {
    }

    /**
     * @param caFile   PEM certificates to trust, or null for the JDK's trust store
     * @param certFile PEM certificate chain to present, or null
     * @param keyFile  its PKCS#8 PEM key; with {@code certFile} only
     * @throws IOException naming the file that cannot be used and why
     */
    static SSLContext create(Path caFile, Path certFile, Path keyFile) throws IOException {
        try {
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            if (caFile == null) {
                trust.init((KeyStore) null);
            } else {
                KeyStore cas = KeyStore.getInstance("PKCS12");
                cas.load(null, null);
                List<Certificate> certificates = certificates(caFile);
                for (int i = 0; i < certificates.size(); i++) {
                    cas.setCertificateEntry("ca" + i, certificates.get(i));
                }
                trust.init(cas);
            }
            KeyManagerFactory keys = null;
            if (certFile != null) {
                KeyStore own = KeyStore.getInstance("PKCS12");
                own.load(null, null);
                char[] none = new char[0];
                own.setKeyEntry("client", privateKey(keyFile), none,
                        certificates(certFile).toArray(new Certificate[0]));
                keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                keys.init(own, none);
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys == null ? null : keys.getKeyManagers(), trust.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot set up TLS: " + e.getMessage(), e);
        }
    }

    static List<Certificate> certificates(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            List<Certificate> certificates = new ArrayList<>(CertificateFactory.getInstance("X.509")
                    .generateCertificates(in));
            if (certificates.isEmpty()) {
                throw new IOException(file + " holds no PEM certificate");
            }
            return certificates;
        } catch (GeneralSecurityException e) {
            throw new IOException(file + " is not a PEM certificate file: " + e.getMessage(), e);
        }
    }

    static PrivateKey privateKey(Path file) throws IOException {
        String pem = Files.readString(file, StandardCharsets.US_ASCII);
        int begin = pem.indexOf("-----BEGIN PRIVATE KEY-----");
        int end = pem.indexOf("-----END PRIVATE KEY-----");
        if (begin < 0 || end < begin) {
            throw new IOException(file + " is not a PKCS#8 PEM key (-----BEGIN PRIVATE KEY-----; convert with"
                    + " openssl pkcs8 -topk8 -nocrypt)");
        }
        byte[] der = Base64.getMimeDecoder().decode(pem.substring(begin + 27, end));
        for (String algorithm : new String[] {"RSA", "EC", "Ed25519", "Ed448"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // not this algorithm: try the next
            }
        }
        throw new IOException(file + " holds a key that is not RSA, EC, Ed25519 or Ed448");
    }
}
