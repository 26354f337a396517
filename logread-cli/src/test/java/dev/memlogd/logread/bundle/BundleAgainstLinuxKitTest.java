package dev.memlogd.logread.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.memlogd.testkit.LinuxKitQueryStandIn;

/** A bundle from LinuxKit's memlogd, which never answers the extended query: a mode-0 dump, said so. */
class BundleAgainstLinuxKitTest {
    @TempDir
    Path dir;

    private static Map<String, String> untar(byte[] archive) throws IOException {
        Map<String, String> files = new LinkedHashMap<>();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(
                new GZIPInputStream(new java.io.ByteArrayInputStream(archive)))) {
            for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
                if (!e.isDirectory()) {
                    files.put(e.getName().substring(e.getName().indexOf('/') + 1),
                            new String(tar.readAllBytes(), StandardCharsets.UTF_8));
                }
            }
        }
        return files;
    }

    @Test
    void fallsBackToModeZeroAfterTheProbeTimeAndSaysTheDaemonHasNoStatistics() throws Exception {
        String dump = "{\"time\":\"2026-11-30T01:02:03.5Z\",\"source\":\"sshd\",\"msg\":\"listening\"}\n"
                + "{\"time\":\"2026-11-30T01:02:04Z\",\"source\":\"sshd.out\",\"msg\":\"accepted key\"}\n";
        try (LinuxKitQueryStandIn linuxkit = LinuxKitQueryStandIn.serve(dir.resolve("q.sock"), dump)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            long entries = new BundleWriter(dir.resolve("q.sock"), null, 200, false).write(out, dir);
            assertEquals(2, entries);
            assertEquals(List.of(3, 0), linuxkit.modes(), "the extended query, then LinuxKit's dump");
            Map<String, String> files = untar(out.toByteArray());
            assertEquals("2026-11-30T01:02:03Z sshd listening\n", files.get("sources/sshd.log"));
            assertEquals("2026-11-30T01:02:04Z sshd.out accepted key\n", files.get("sources/sshd.out.log"));
            String summary = files.get("summary.json");
            assertTrue(summary.contains("\"kind\":\"linuxkit-compatible\",\"identity\":null,\"statistics\":null"),
                    summary);
            assertTrue(summary.contains("taken for LinuxKit's"), summary);
            assertTrue(files.get("index.html").contains(summary.strip()), "the page embeds the summary");
        }
    }

    @Test
    void leavesNoSpoolBehind() throws Exception {
        try (LinuxKitQueryStandIn linuxkit = LinuxKitQueryStandIn.serve(dir.resolve("q.sock"), "")) {
            new BundleWriter(dir.resolve("q.sock"), null, 100, false).write(new ByteArrayOutputStream(), dir);
        }
        try (var list = java.nio.file.Files.list(dir)) {
            assertEquals(List.of("q.sock"), list.map(p -> p.getFileName().toString()).toList());
        }
    }
}
