package dev.memlogd.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.memlogd.core.client.QueryClient;
import dev.memlogd.core.wire.EntryJsonParser;
import dev.memlogd.core.wire.LinuxKit;
import dev.memlogd.core.wire.LogEntry;
import dev.memlogd.e2e.Sources.Source;
import dev.memlogd.testkit.Await;
import dev.memlogd.testkit.Closer;
import dev.memlogd.testkit.Processes;
import dev.memlogd.testkit.TempDirs;

/**
 * logwrite with the real daemon, as LinuxKit boots: {@code memlogd -daemonize} first, then
 * on-boot actions and services log into memlogd long before disks are up; logwrite starts last and must persist every line, in
 * order, each once, through its own SIGKILL and through a restart of memlogd.
 */
@ExtendWith(DaemonOutputOnFailure.class)
class LogwriteTest {
    private Path work;
    private Path logDir;
    private final Closer closer = new Closer();

    @BeforeEach
    void directories() throws Exception {
        work = Files.createTempDirectory("logwrite-e2e-");
        logDir = Files.createDirectory(work.resolve("log"));
    }

    @AfterEach
    void cleanUp() throws Exception {
        closer.close();
        TempDirs.deleteRecursively(work);
    }

    private static List<String> numbered(String prefix, int from, int to) {
        return IntStream.range(from, to).mapToObj(i -> prefix + " " + i).collect(Collectors.toList());
    }

    private void awaitMessages(String fileName, String source, List<String> expected, LogwriteProcess logwrite) {
        Await.await(() -> LogwriteProcess.messages(logDir, fileName, source).size() >= expected.size(),
                Duration.ofSeconds(60), fileName + " holds " + expected.size() + " lines of " + source + "\n"
                        + logwrite.describe());
    }

    /** {@code bin/memlogd -daemonize}, as LinuxKit's /etc/init.d/002-logging runs it; returns once both sockets accept. */
    private void daemonize(Path logSocket, Path querySocket) throws Exception {
        Process launcher = new ProcessBuilder(DaemonProcess.bin("memlogd").toString(), "-daemonize",
                "-socket-log", logSocket.toString(), "-socket-query", querySocket.toString())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectErrorStream(true)
                .start();
        String output = new String(launcher.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, launcher.waitFor(), "memlogd -daemonize: " + output);
        closer.add(() -> Processes.stopAllMentioning(querySocket.toString(), Duration.ofSeconds(10)));
    }

    private static boolean held(Path querySocket, String source, String msg) throws Exception {
        try (QueryClient client = QueryClient.open(querySocket, LinuxKit.MODE_DUMP)) {
            for (String line = client.readLine(); line != null; line = client.readLine()) {
                LogEntry entry = EntryJsonParser.parse(line);
                if (entry.source().equals(source) && entry.msg().equals(msg)) {
                    return true;
                }
            }
        }
        return false;
    }

    @Test
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void everyLineLoggedBeforeLogwriteStartedIsInItsFileInOrderAcrossRotations() throws Exception {
        Path logSocket = work.resolve("log.sock");
        Path querySocket = work.resolve("q.sock");
        daemonize(logSocket, querySocket);
        // On-boot actions, one after another, each a socketpair (as LinuxKit's init does for runc).
        for (int action = 1; action <= 3; action++) {
            try (Source onboot = Sources.socketpair(logSocket, "onboot.00" + action + "-step.out")) {
                for (String line : numbered("boot " + action, 0, 200)) {
                    onboot.println(line);
                }
            }
        }
        // Services: FIFOs, still open (as containerd's stdout).
        List<Source> services = Sources.fifos(work, logSocket, List.of("svc-a.out", "svc-b"));
        for (Source service : services) {
            for (String line : numbered(service.name(), 0, 300)) {
                service.println(line);
            }
        }
        Await.await(() -> held(querySocket, "svc-b", "svc-b 299"), "the last service line in memlogd");

        LogwriteProcess logwrite = closer.add(LogwriteProcess.start(querySocket, logDir,
                "-max-log-size", "2000", "-max-log-files", "50"));
        for (Source service : services) {
            awaitMessages(service.name(), service.name(), numbered(service.name(), 0, 300), logwrite);
        }

        for (int action = 1; action <= 3; action++) {
            String source = "onboot.00" + action + "-step.out";
            awaitMessages(source, source, numbered("boot " + action, 0, 200), logwrite);
            assertEquals(numbered("boot " + action, 0, 200), LogwriteProcess.messages(logDir, source, source), source);
        }
        for (Source service : services) {
            assertEquals(numbered(service.name(), 0, 300),
                    LogwriteProcess.messages(logDir, service.name(), service.name()), service.name());
            assertTrue(Files.exists(logDir.resolve(service.name() + ".log.0")), "rotated at 2000 bytes");
        }
        Sources.closeAll(services);
    }

    @Test
    @Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void sigkillMidFloodThenRestartLosesNothingAndDuplicatesNothing() throws Exception {
        // A ring big enough to hold the flood: what logwrite has not written when killed must
        // still be there when it comes back.
        DaemonProcess daemon = closer.add(DaemonProcess.start("-max-lines", "200000", "-max-bytes", "67108864"));
        int lines = 30_000;
        List<String> expected = numbered("flood", 0, lines);
        Source source = closer.add(Sources.socketpair(daemon.logSocket(), "flood"));
        LogwriteProcess first = LogwriteProcess.start(daemon.querySocket(), logDir, "-max-log-size", "100000",
                "-max-log-files", "500", "-sync", "50");
        Thread writer = new Thread(() -> {
            try {
                for (String line : expected) {
                    source.println(line);
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, "flood writer");
        writer.start();
        Await.await(() -> LogwriteProcess.lines(logDir, "flood").size() >= lines / 5, Duration.ofSeconds(60),
                "a fifth of the flood written before the kill\n" + first.describe());

        first.sigkill();
        LogwriteProcess second = closer.add(LogwriteProcess.start(daemon.querySocket(), logDir,
                "-max-log-size", "100000", "-max-log-files", "500"));
        writer.join();
        awaitMessages("flood", "flood", expected, second);

        assertEquals(expected, LogwriteProcess.messages(logDir, "flood", "flood"), second.describe());
        assertFalse(LogwriteProcess.lines(logDir, "flood").stream().anyMatch(l -> l.contains(" logwrite ")),
                "no marker: nothing was missing\n" + second.describe());
    }

    @Test
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void memlogdRestartedUnderLogwriteGetsAMarkerAndLaterLinesArePersisted() throws Exception {
        Path sockets = Files.createDirectory(work.resolve("sockets"));
        DaemonProcess before = DaemonProcess.startIn(sockets, null);
        LogwriteProcess logwrite = closer.add(LogwriteProcess.start(before.querySocket(), logDir,
                "-retry-max", "200"));
        try (Source source = Sources.socketpair(before.logSocket(), "svc")) {
            source.println("before restart");
            awaitMessages("svc", "svc", List.of("before restart"), logwrite);
        }
        before.sigterm();
        before.awaitExit(Duration.ofSeconds(10));

        DaemonProcess after = closer.add(DaemonProcess.startIn(sockets, null));
        try (Source source = Sources.socketpair(after.logSocket(), "svc")) {
            source.println("after restart");
            awaitMessages("svc", "svc", List.of("before restart", "after restart"), logwrite);
        }

        List<String> lines = LogwriteProcess.lines(logDir, "svc");
        assertEquals(3, lines.size(), String.join("\n", lines));
        assertTrue(lines.get(0).endsWith(" svc before restart"), lines.get(0));
        assertTrue(lines.get(1).matches(".* logwrite memlogd restarted: entries after seq [0-9]+ of the previous"
                + " daemon may be missing"), lines.get(1));
        assertTrue(lines.get(2).endsWith(" svc after restart"), lines.get(2));
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void hostileSourceNamesStayInsideTheLogDirectory() throws Exception {
        DaemonProcess daemon = closer.add(DaemonProcess.start());
        LogwriteProcess logwrite = closer.add(LogwriteProcess.start(daemon.querySocket(), logDir));
        for (String name : List.of("../escaped", "../../escaped2", "/tmp/escaped3", "..", ".", "")) {
            try (Source source = Sources.socketpair(daemon.logSocket(), name)) {
                source.println("from '" + name + "'");
            }
        }
        Await.await(() -> {
            try (Stream<Path> files = Files.list(logDir)) {
                return files.filter(p -> p.getFileName().toString().endsWith(".log")).count() >= 7;
            }
        }, Duration.ofSeconds(30), "six hostile sources and memlogd's own in the log directory\n" + logwrite.describe());

        assertFalse(Files.exists(work.resolve("escaped.log")), "../ escaped the log directory");
        assertFalse(Files.exists(Path.of("/tmp/escaped3.log")), "an absolute name was used as a path");
        assertFalse(Files.exists(work.resolve("..log")));
        try (Stream<Path> files = Files.list(logDir)) {
            List<String> names = files.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
            assertTrue(names.contains("%2E.%2Fescaped.log"), names.toString());
            assertTrue(names.contains("%.log"), "the empty name: " + names);
        }
    }

    @Test
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void entriesEvictedWhileLogwriteWasDownGetAMarkerWithTheExactCount() throws Exception {
        DaemonProcess daemon = closer.add(DaemonProcess.start("-max-lines", "100"));
        Source source = closer.add(Sources.socketpair(daemon.logSocket(), "svc"));
        LogwriteProcess first = LogwriteProcess.start(daemon.querySocket(), logDir);
        for (String line : numbered("a", 0, 10)) {
            source.println(line);
        }
        awaitMessages("svc", "svc", numbered("a", 0, 10), first);
        assertEquals(0, first.stop());
        List<String> down = numbered("b", 0, 300);
        for (String line : down) {
            source.println(line);
        }
        daemon.awaitEntry("svc", "b 299");

        LogwriteProcess second = closer.add(LogwriteProcess.start(daemon.querySocket(), logDir));
        Await.await(() -> LogwriteProcess.messages(logDir, "svc", "svc").contains("b 299"), Duration.ofSeconds(30),
                "the last line in svc.log\n" + second.describe());

        List<String> lines = LogwriteProcess.lines(logDir, "svc");
        String marker = lines.get(10);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                ".* logwrite ([0-9]+) entries were evicted from memlogd's ring before logwrite could write them"
                + " \\(after seq [0-9]+\\)").matcher(marker);
        assertTrue(m.matches(), marker);
        List<String> kept = LogwriteProcess.messages(logDir, "svc", "svc").subList(10, lines.size() - 1);
        assertEquals(300, Integer.parseInt(m.group(1)) + kept.size(), "evicted + written = the 300 written while down");
        assertEquals(down.subList(300 - kept.size(), 300), kept, "the newest, in order");
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void withoutMemlogdLogwriteWaitsQuietlyAndSaysSoOnce() throws Exception {
        LogwriteProcess logwrite = closer.add(LogwriteProcess.start(work.resolve("no-such.sock"), logDir,
                "-retry-max", "200"));

        long ticks = Await.awaitValue(logwrite::cpuTicksPerSecond, t -> t < 5, Duration.ofSeconds(20),
                "a 1 s window in which logwrite, retrying, uses < 5 CPU ticks");

        assertTrue(ticks < 5);
        String said = logwrite.describe();
        assertEquals(1, said.split("cannot reach memlogd", -1).length - 1, said);
    }
}
