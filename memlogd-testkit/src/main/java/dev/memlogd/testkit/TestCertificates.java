package dev.memlogd.testkit;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A certificate authority made at test time with the {@code openssl} command (Debian's
 * {@code openssl}), and certificates it signs: EC P-256 keys, PKCS#8 PEM
 * ({@code BEGIN PRIVATE KEY}), valid two days. Files live in the directory given; nothing is
 * committed. Not thread-safe.
 */
public final class TestCertificates {
    private final Path dir;
    private final String name;

    private TestCertificates(Path dir, String name) {
        this.dir = dir;
        this.name = name;
    }

    /** Makes a self-signed CA {@code name} in {@code dir}: {@code name.pem}, {@code name.key}. */
    public static TestCertificates authority(Path dir, String name) throws IOException {
        Files.createDirectories(dir);
        TestCertificates ca = new TestCertificates(dir, name);
        openssl(dir, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", name + ".key", "-out", name + ".pem", "-days", "2", "-subj", "/CN=" + name);
        return ca;
    }

    /** The CA's certificate (PEM). */
    public Path caFile() {
        return dir.resolve(name + ".pem");
    }

    /**
     * A certificate and key signed by this CA for the given subject alternative names
     * ({@code DNS:localhost}, {@code IP:127.0.0.1}).
     *
     * @return {@code [certificate, key]}
     */
    public Path[] issue(String file, String... altNames) throws IOException {
        Path ext = dir.resolve(file + ".ext");
        Files.writeString(ext, "subjectAltName=" + String.join(",", altNames) + "\n");
        openssl(dir, "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", file + ".key", "-out", file + ".csr", "-subj", "/CN=" + file);
        openssl(dir, "x509", "-req", "-in", file + ".csr", "-CA", name + ".pem", "-CAkey", name + ".key",
                "-CAcreateserial", "-out", file + ".pem", "-days", "2", "-extfile", ext.getFileName().toString());
        return new Path[] {dir.resolve(file + ".pem"), dir.resolve(file + ".key")};
    }

    private static void openssl(Path dir, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add("openssl");
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(dir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (process.waitFor() != 0) {
                throw new IOException(String.join(" ", command) + " failed:\n" + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + command, e);
        }
    }
}
