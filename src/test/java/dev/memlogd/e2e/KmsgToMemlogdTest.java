package dev.memlogd.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.memlogd.core.wire.EntryJsonParser;
import dev.memlogd.core.wire.LogEntry;
import dev.memlogd.testkit.Processes;
import dev.memlogd.testkit.TempDirs;

/**
 * kmsg-reader against this machine's real {@code /dev/kmsg}, into a real daemon. Records are
 * injected by writing {@code <N>text\n} to {@code /dev/kmsg} (root may; the kernel keeps
 * userspace records under facility user): a handful per run, never a flood.
 */
@ExtendWith(DaemonOutputOnFailure.class)
class KmsgToMemlogdTest {
    private static final Path KMSG = Path.of("/dev/kmsg");
    private static final Pattern SEQ = Pattern.compile("^\\((\\d+)\\) - ");

    private Path work;
    private final List<Process> readers = new ArrayList<>();

    @BeforeEach
    void needsTheKernelLog() throws Exception {
        Assumptions.assumeTrue(Files.isReadable(KMSG) && Files.isWritable(KMSG),
                "/dev/kmsg cannot be read and written here (the suite runs as root in CI)");
        work = Files.createTempDirectory("kmsg-e2e-");
    }

    @AfterEach
    void stop() throws Exception {
        for (Process reader : readers) {
            Processes.stop(reader, Duration.ofSeconds(10));
        }
        TempDirs.deleteRecursively(work);
    }

    private Process start(String... command) throws Exception {
        Process process = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(work.resolve("stderr-" + readers.size()).toFile())
                .start();
        readers.add(process);
        return process;
    }

    /** Writes one record into the kernel log; with its newline, or the kernel holds it back. */
    private static String inject(int priority, String what) throws Exception {
        String text = "kmsg-e2e " + what + " " + UUID.randomUUID();
        Files.writeString(KMSG, "<" + priority + ">" + text + "\n");
        return text;
    }

    private static List<LogEntry> kmsgEntries(DaemonProcess daemon) throws Exception {
        return daemon.dump().stream().filter(e -> e.source().equals("kmsg")).collect(Collectors.toList());
    }

    private static long count(List<LogEntry> entries, String text) {
        return entries.stream().filter(e -> e.msg().endsWith(": " + text)).count();
    }

    @Test
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void directModeDeliversEachRecordOnceAcrossASigkillAndRestartWithItsPriority() throws Exception {
        DaemonProcess daemon = DaemonProcess.start("-syslog-prefix", "kmsg", "-max-lines", "50000");
        try {
            String[] reader = {DaemonProcess.bin("kmsg-reader").toString(), "-socket-log",
                daemon.logSocket().toString(), "-state-dir", work.resolve("state").toString()};
            Process first = start(reader);
            String a = inject(3, "error A");
            daemon.awaitDump(d -> count(d.stream().filter(e -> e.source().equals("kmsg")).toList(), a) == 1,
                    "record A in memlogd");
            // SIGKILL: the state is saved after every record, so even this costs nothing.
            first.destroyForcibly();
            first.waitFor();
            String b = inject(6, "info B");
            start(reader);
            daemon.awaitDump(d -> count(d.stream().filter(e -> e.source().equals("kmsg")).toList(), b) == 1,
                    "record B in memlogd after the restart");

            List<LogEntry> entries = kmsgEntries(daemon);
            assertEquals(1, count(entries, a), "A once");
            Set<Long> seqs = new HashSet<>();
            for (LogEntry entry : entries) {
                Matcher m = SEQ.matcher(entry.msg());
                if (m.find()) {
                    assertTrue(seqs.add(Long.parseLong(m.group(1))), "kernel record delivered twice: " + entry.msg());
                }
            }
            LogEntry errorA = entries.stream().filter(e -> e.msg().endsWith(": " + a)).findFirst().orElseThrow();
            assertEquals(3, errorA.pri() & 7, "level err kept: " + errorA);
            assertFalse(errorA.msg().startsWith("<"), "the prefix became the priority: " + errorA.msg());

            Logread.Result onlyErrors = Logread.run("-socket", daemon.querySocket().toString(), "--level", "err",
                    "--source", "kmsg");
            assertEquals(0, onlyErrors.exitCode(), onlyErrors::describe);
            assertTrue(onlyErrors.stdoutText().contains(a), onlyErrors.describe());
            assertFalse(onlyErrors.stdoutText().contains(b), "info is not err: " + onlyErrors.describe());
        } finally {
            daemon.close();
        }
    }

    @Test
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void linuxKitWayOnStderrArrivesAsSourceKmsgInLinuxKitsLine() throws Exception {
        DaemonProcess daemon = DaemonProcess.start("-max-lines", "50000");
        try {
            // As LinuxKit's init runs it: stderr handed to memlogd as "kmsg" (memlogd-exec names
            // a command's stderr NAME, its stdout NAME.out).
            // From the oldest record (a fresh state directory): C is delivered whenever it is written.
            start(DaemonProcess.bin("memlogd-exec").toString(), "-socket", daemon.logSocket().toString(), "-n", "kmsg",
                    DaemonProcess.bin("kmsg-reader").toString(), "-state-dir", work.resolve("state").toString());
            String c = inject(4, "warning C");

            LogEntry entry = daemon.awaitDump(d -> count(d.stream().filter(e -> e.source().equals("kmsg")).toList(), c) == 1,
                    "record C in memlogd").stream().filter(e -> e.msg().endsWith(": " + c)).findFirst().orElseThrow();

            assertTrue(entry.msg().matches("\\(\\d+\\) - \\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z: " + Pattern.quote(c)), entry.msg());
            assertEquals(-1, entry.pri(), "no prefix on LinuxKit's line, so no priority");
        } finally {
            daemon.close();
        }
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void kernelLogThatCannotBeOpenedGivesOneLineSayingWhatIsNeeded() throws Exception {
        Process missing = start(DaemonProcess.bin("kmsg-reader").toString(), "-kmsg", "/nonexistent/kmsg",
                "-state-dir", work.resolve("state").toString());
        assertEquals(1, missing.waitFor());
        String said = Files.readString(work.resolve("stderr-0"), StandardCharsets.UTF_8);
        assertTrue(said.contains("cannot open /nonexistent/kmsg") && said.contains("CAP_SYSLOG"), said);

        boolean restricted = Files.readString(Path.of("/proc/sys/kernel/dmesg_restrict")).trim().equals("1");
        Assumptions.assumeTrue(restricted, "kernel.dmesg_restrict is 0 here: anyone may read /dev/kmsg");
        Path state = Files.createDirectory(work.resolve("nobody-state"));
        Files.setPosixFilePermissions(work, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
        Files.setPosixFilePermissions(state, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
        Process unprivileged = start("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                DaemonProcess.bin("kmsg-reader").toString(), "-state-dir", state.toString());
        assertEquals(1, unprivileged.waitFor());
        String saidToNobody = Files.readString(work.resolve("stderr-1"), StandardCharsets.UTF_8);
        assertTrue(saidToNobody.contains("cannot open /dev/kmsg: Operation not permitted")
                && saidToNobody.contains("CAP_SYSLOG"), saidToNobody);
    }
}
