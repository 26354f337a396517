package dev.memlogd.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.memlogd.core.wire.LogEntry;
import dev.memlogd.core.wire.LogwriteFormat;
import dev.memlogd.e2e.Sources.Source;
import dev.memlogd.testkit.Await;
import dev.memlogd.testkit.Closer;
import dev.memlogd.testkit.TempDirs;

/**
 * {@code logread --bundle} against the real daemon (and logwrite): the archive extracted with
 * the system's {@code tar}, every source's file compared with what the ring holds (and, with
 * {@code --log-dir}, with everything the test wrote, each line once), and {@code summary.json}'s
 * counts with what the test wrote.
 */
@ExtendWith(DaemonOutputOnFailure.class)
class BundleTest {
    private Path work;
    private final Closer closer = new Closer();

    @BeforeEach
    void directories() throws IOException {
        work = Files.createTempDirectory("bundle-e2e-");
    }

    @AfterEach
    void cleanUp() throws Exception {
        closer.close();
        TempDirs.deleteRecursively(work);
    }

    private static List<String> numbered(String prefix, int from, int to) {
        return IntStream.range(from, to).mapToObj(i -> prefix + " " + i).collect(Collectors.toList());
    }

    /** Runs logread --bundle, extracts the archive with tar, returns the bundle's top directory. */
    private Path bundle(DaemonProcess daemon, String... more) throws Exception {
        Path archive = work.resolve("bundle.tar.gz");
        List<String> args = new ArrayList<>(List.of("-socket", daemon.querySocket().toString(),
                "--bundle", archive.toString()));
        args.addAll(List.of(more));
        Logread.Result result = Logread.run(args.toArray(String[]::new));
        assertEquals(0, result.exitCode(), result::describe);
        assertEquals("", result.stderr(), "nothing on stderr when it is not a terminal");
        Path out = Files.createDirectory(work.resolve("extracted"));
        Process tar = new ProcessBuilder("tar", "-xzf", archive.toString(), "-C", out.toString())
                .redirectErrorStream(true).start();
        String tarOutput = new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, tar.waitFor(), "tar -xzf: " + tarOutput);
        List<Path> top;
        try (Stream<Path> list = Files.list(out)) {
            top = list.collect(Collectors.toList());
        }
        assertEquals(1, top.size(), "one top directory: " + top);
        assertTrue(top.get(0).getFileName().toString().startsWith("memlogd-bundle-"), top.toString());
        return top.get(0);
    }

    /** The value of a number field {@code "name":N} in the summary's object for {@code source}. */
    private static long sourceField(String summary, String source, String field) {
        // The bundle's own sources come after the timeline; the daemon's statistics, before it, list sources too.
        summary = summary.substring(summary.indexOf("\"timeline\":"));
        Matcher m = Pattern.compile("\\{\"name\":\"" + Pattern.quote(source) + "\",[^{}]*?\"" + field + "\":(-?\\d+)")
                .matcher(summary);
        assertTrue(m.find(), field + " of " + source + " in summary.json:\n" + summary);
        return Long.parseLong(m.group(1));
    }

    private static long totalField(String summary, String field) {
        Matcher m = Pattern.compile("\"totals\":\\{[^}]*?\"" + field + "\":(\\d+)").matcher(summary);
        assertTrue(m.find(), "totals." + field + " in summary.json");
        return Long.parseLong(m.group(1));
    }

    @Test
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void everySourceOfTheRingIsInItsOwnFileAndTheSummaryCountsWhatWasWritten() throws Exception {
        DaemonProcess daemon = closer.add(DaemonProcess.start("-max-lines", "300", "-max-line-len", "100",
                "-syslog-prefix", "kmsg"));
        // A flood that the ring cannot hold whole: its first lines are evicted.
        try (Source flood = Sources.socketpair(daemon.logSocket(), "flood.out")) {
            for (String line : numbered("flood", 0, 250)) {
                flood.println(line);
            }
        }
        // Twenty services, still open; one of them says it failed.
        List<Source> services = new ArrayList<>();
        for (int s = 0; s < 20; s++) {
            services.add(closer.add(Sources.socketpair(daemon.logSocket(), String.format("svc-%02d.out", s))));
        }
        for (Source service : services) {
            for (String line : numbered(service.name(), 0, 5)) {
                service.println(line);
            }
        }
        services.get(3).println("connection to the database failed");
        // A closed on-boot action, a line longer than -max-line-len, kernel records with levels.
        try (Source onboot = Sources.socketpair(daemon.logSocket(), "onboot.001-setup")) {
            onboot.println("setup done");
        }
        try (Source longLine = Sources.socketpair(daemon.logSocket(), "long")) {
            longLine.println("x".repeat(300));
        }
        try (Source kmsg = Sources.socketpair(daemon.logSocket(), "kmsg")) {
            kmsg.println("<3>ata1: I/O error on sector 42");
            kmsg.println("<6>eth0: link up");
        }
        List<LogEntry> ring = daemon.awaitDump(d -> DaemonProcess.contains(d, "kmsg", "eth0: link up")
                && DaemonProcess.contains(d, "svc-03.out", "connection to the database failed"),
                "every source's last line held");
        assertTrue(ring.stream().noneMatch(e -> e.msg().equals("flood 0")), "the flood's first lines evicted");

        Path bundle = bundle(daemon);

        Map<String, List<String>> expected = new LinkedHashMap<>();
        for (LogEntry entry : ring) {
            expected.computeIfAbsent(entry.source(), k -> new ArrayList<>()).add(LogwriteFormat.line(entry));
        }
        String summary = Files.readString(bundle.resolve("summary.json"));
        assertTrue(Files.isRegularFile(bundle.resolve("index.html")));
        for (Map.Entry<String, List<String>> source : expected.entrySet()) {
            if (source.getKey().equals("memlogd")) {
                continue; // the daemon logs the bundle's own connection meanwhile
            }
            Path file = bundle.resolve("sources").resolve(source.getKey() + ".log");
            assertEquals(String.join("", source.getValue()), Files.readString(file, StandardCharsets.UTF_8),
                    file + " holds that source's entries of the ring, in logwrite's format");
            assertEquals(source.getValue().size(), sourceField(summary, source.getKey(), "lines"), source.getKey());
        }
        assertEquals(1, sourceField(summary, "long", "truncated"));
        assertEquals(0, sourceField(summary, "onboot.001-setup", "truncated"));
        assertEquals(6, sourceField(summary, "svc-03.out", "lines"));
        assertTrue(summary.contains("\"levels\":{\"err\":1,\"info\":1}"), "kmsg's levels counted:\n" + summary);
        assertTrue(summary.contains("\"source\":\"kmsg\",\"file\":\"sources/kmsg.log\",\"msg\":\"ata1: I/O error"
                + " on sector 42\""), "the kernel error among the highlights");
        assertTrue(summary.contains("\"why\":\"failure word\""), "the failed service among the highlights");
        assertEquals(expected.size(), totalField(summary, "sources"));
        assertTrue(summary.contains("\"statistics\":{\"stats\":1,\"daemon\":\""), "the daemon's statistics");
        assertTrue(summary.contains("{\"name\":\"onboot.001-setup\",\"kind\":\"socket\",\"connections\":1,\"open\":0,"),
                "the closed source in the statistics:\n" + summary);
    }

    @Test
    @Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void withLogwritesDirectoryTheHistoryComesFirstThenTheRingWithNoLineTwice() throws Exception {
        Path logDir = Files.createDirectory(work.resolve("log"));
        DaemonProcess daemon = closer.add(DaemonProcess.start("-max-lines", "200"));
        LogwriteProcess logwrite = closer.add(LogwriteProcess.start(daemon.querySocket(), logDir,
                "-max-log-size", "3000", "-max-log-files", "50", "-sync", "50"));
        Source service = closer.add(Sources.socketpair(daemon.logSocket(), "web.out"));
        // logwrite follows before the ring wraps (it then holds ingest: nothing is evicted unwritten).
        service.println("web 0");
        Await.await(() -> LogwriteProcess.messages(logDir, "web.out", "web.out").size() == 1,
                Duration.ofSeconds(60), "logwrite follows\n" + logwrite.describe());
        for (String line : numbered("web", 1, 500)) {
            service.println(line);
        }
        Await.await(() -> LogwriteProcess.messages(logDir, "web.out", "web.out").size() == 500,
                Duration.ofSeconds(60), "logwrite has the first 500 lines\n" + logwrite.describe());
        // More lines, which logwrite may or may not have written (and checkpointed) when the
        // bundle reads its directory: either way each must be in the bundle once.
        for (String line : numbered("web", 500, 600)) {
            service.println(line);
        }
        daemon.awaitEntry("web.out", "web 599");
        assertTrue(daemon.dump().stream().noneMatch(e -> e.msg().equals("web 0")), "the ring lost the first lines");

        Path bundle = bundle(daemon, "--log-dir", logDir.toString());

        List<String> messages = Files.readAllLines(bundle.resolve("sources/web.out.log"), StandardCharsets.UTF_8)
                .stream().map(line -> line.substring(line.indexOf(" web.out ") + " web.out ".length()))
                .collect(Collectors.toList());
        assertEquals(numbered("web", 0, 600), messages, "every line once, in order: history then ring");
        String summary = Files.readString(bundle.resolve("summary.json"));
        assertEquals(600, sourceField(summary, "web.out", "lines"));
        assertTrue(sourceField(summary, "web.out", "history_lines") >= 500, summary);
    }
}
