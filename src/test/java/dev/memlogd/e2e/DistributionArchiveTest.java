package dev.memlogd.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.memlogd.testkit.Processes;
import dev.memlogd.testkit.TempDirs;

/**
 * The distribution archive {@code mvn package} leaves in {@code dist/target}, installed as
 * README.md says ({@code tar -x -C PREFIX --strip-components=1 -f ARCHIVE}) into a temp prefix
 * and run from there, with nothing of the source tree.
 */
class DistributionArchiveTest {
    private static final Pattern NAME = Pattern.compile("memlogd-(.+)-linux-(.+)\\.tar\\.gz");
    private static final Set<String> PROGRAMS =
            Set.of("memlogd", "logread", "logwrite", "kmsg-reader", "memlogd-forward", "memlogd-exec");

    private Path archive;
    private Path prefix;

    @BeforeEach
    void install() throws Exception {
        archive = theArchive();
        prefix = Files.createTempDirectory("memlogd-prefix-");

        Result tar = run("tar", "-x", "-C", prefix.toString(), "--strip-components=1", "-f", archive.toString());

        assertEquals(0, tar.code, tar.output);
    }

    /** Stops a daemon this test started in the background: found by the prefix in its command line. */
    @AfterEach
    void stopDaemonAndUninstall() throws Exception {
        Processes.stopAllMentioning(prefix.toString(), Duration.ofSeconds(10));
        TempDirs.deleteRecursively(prefix);
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void everyEntryIsUnderOneTopDirectoryNamedForTheVersion() throws Exception {
        Matcher name = NAME.matcher(archive.getFileName().toString());
        assertTrue(name.matches(), archive.toString());

        Result list = run("tar", "-tzf", archive.toString());

        assertEquals(0, list.code, list.output);
        String top = "memlogd-" + name.group(1) + "/";
        assertEquals(List.of(), list.output.lines().filter(e -> !e.startsWith(top)).collect(Collectors.toList()));
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void theTreeHoldsTheProgramsTheirLibraryTheCompletionsAndTheLicense() throws Exception {
        assertEquals(Set.of("bin", "lib", "share", "LICENSE", "README"), names(prefix));
        assertEquals(PROGRAMS, names(prefix.resolve("bin")));
        assertEquals(Set.of("memlogd.jar", "logread.jar", "logwrite.jar", "kmsg-reader.jar", "memlogd-exec.jar",
                "memlogd-forward.jar",
                "launcher-lib.sh", "memlogd-flags.sh", "cds-archive.sh", "native"), names(prefix.resolve("lib/memlogd")));
        assertEquals(1, names(prefix.resolve("lib/memlogd/native")).size(), "junixsocket's library for this machine");
        assertEquals(PROGRAMS, names(prefix.resolve("share/bash-completion/completions")));
        assertEquals(PROGRAMS.stream().map(p -> p + ".1").collect(java.util.stream.Collectors.toSet()),
                names(prefix.resolve("share/man/man1")));
        assertTrue(Files.readString(prefix.resolve("share/man/man1/memlogd.1")).startsWith(".TH MEMLOGD 1"),
                "a troff man page");
        assertTrue(Files.readString(prefix.resolve("share/bash-completion/completions/logread"))
                .contains("complete -F"), "a bash completion script");
        assertEquals(Files.readString(DaemonProcess.home().resolve("LICENSE")),
                Files.readString(prefix.resolve("LICENSE")));
    }

    @Test
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void theInstalledDaemonTakesALineFromTheWrapperAndLogreadPrintsIt() throws Exception {
        String log = prefix.resolve("log.sock").toString();
        String query = prefix.resolve("q.sock").toString();

        Result daemon = run(bin("memlogd"), "-daemonize", "-socket-log", log, "-socket-query", query);
        Result exec = run(bin("memlogd-exec"), "-require-daemon", "-socket", log, "-n", "installed",
                "echo", "hello from the prefix");
        Result logread = run(bin("logread"), "-socket", query);

        assertEquals(0, daemon.code, daemon.output);
        assertEquals(0, exec.code, exec.output);
        assertEquals(0, logread.code, logread.output);
        assertTrue(logread.output.contains(";installed.out;hello from the prefix\n"), logread.output);
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void theOtherProgramsRunFromThePrefix() throws Exception {
        Matcher name = NAME.matcher(archive.getFileName().toString());
        assertTrue(name.matches(), archive.toString());

        Result logwrite = run(bin("logwrite"), "--version");
        Result kmsgReader = run(bin("kmsg-reader"), "--version");
        Result forward = run(bin("memlogd-forward"), "--version");

        assertEquals(new Result(0, name.group(1) + "\n"), logwrite);
        assertEquals(new Result(0, name.group(1) + "\n"), kmsgReader);
        assertEquals(new Result(0, name.group(1) + "\n"), forward);
    }

    @Test
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void theInstalledScriptMakesTheAppCdsArchiveWhereTheLauncherLooks() throws Exception {
        Result script = run(prefix.resolve("lib/memlogd/cds-archive.sh").toString());

        assertEquals(0, script.code, script.output);
        assertTrue(Files.isRegularFile(prefix.resolve("lib/memlogd/memlogd.jsa")), script.output);
    }

    /** The one archive in {@code dist/target}. */
    private static Path theArchive() throws IOException {
        try (Stream<Path> files = Files.list(DaemonProcess.home().resolve("dist/target"))) {
            List<Path> archives = files.filter(f -> NAME.matcher(f.getFileName().toString()).matches())
                    .collect(Collectors.toList());
            assertEquals(1, archives.size(), "archives in dist/target: " + archives);
            return archives.get(0);
        }
    }

    private String bin(String program) {
        return prefix.resolve("bin").resolve(program).toString();
    }

    private static Set<String> names(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.map(e -> e.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
        }
    }

    private record Result(int code, String output) {
    }

    /** Runs a command to its end, stdin from /dev/null, stdout and stderr together. */
    private Result run(String... command) throws IOException, InterruptedException {
        Path output = Files.createTempFile("memlogd-dist-run-", ".txt");
        try {
            Process process = new ProcessBuilder(new ArrayList<>(List.of(command)))
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile())
                    .start();
            assertTrue(process.waitFor(60, TimeUnit.SECONDS), "still running after 60 s: " + List.of(command));
            return new Result(process.exitValue(), Files.readString(output));
        } finally {
            Files.delete(output);
        }
    }
}
