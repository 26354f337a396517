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
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.memlogd.testkit.Processes;
import dev.memlogd.testkit.SocketProbes;
import dev.memlogd.testkit.TempDirs;

/**
 * The LinuxKit package layout {@code image/build} makes from the distribution archive
 * (docs/linuxkit.md), built once from the JDK in the system property {@code memlogd.image.jdk}
 * (the root pom sets it: JDK 25 where the machine has Temurin 25, as the image ships; else the
 * build's JDK), moved, and started as init starts it, where a booted image has no writable
 * temp directory. Built under {@code target/} because the tests hide {@code /tmp}.
 */
class ImageLayoutTest {
    private static final Set<String> PROGRAMS =
            Set.of("memlogd", "logread", "logwrite", "kmsg-reader", "memlogd-exec", "memlogd-forward");

    /**
     * Where the image and the sockets live: outside {@code /tmp}, which the namespace below
     * covers with an empty file system (a checkout under /tmp would vanish with it).
     */
    private static Path base;
    private static Path image;
    private static int feature;

    private Path run;

    @BeforeAll
    @Timeout(value = 600, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    static void buildTheImage() throws Exception {
        Path jdk = Path.of(System.getProperty("memlogd.image.jdk", System.getProperty("java.home")));
        base = Files.createTempDirectory(Path.of("/var/tmp"), "memlogd-image-e2e-");
        image = base.resolve("image");
        Path built = base.resolve("built");

        Result build = run(Duration.ofSeconds(500), DaemonProcess.home().resolve("image/build").toString(),
                "--jdk", jdk.toString(), "--out", built.toString());
        // Run elsewhere than built, as an image is: the AOT cache was trained at the build path
        // (the daemonized start once closed its own jar's fd because of that: Daemonizer).
        Files.move(built, image);

        assertEquals(0, build.code, build.output);
        feature = Integer.parseInt(run(Duration.ofSeconds(60), runtime("bin/java").toString(), "-version").output
                .replaceFirst("(?s)^[^\"]*\"(\\d+).*", "$1"));
    }

    @AfterAll
    static void removeTheImage() throws IOException {
        if (base != null) {
            TempDirs.deleteRecursively(base);
        }
    }

    @BeforeEach
    void socketDirectory() throws IOException {
        run = Files.createDirectories(base.resolve("run"));
    }

    @AfterEach
    void stopTheDaemon() throws Exception {
        Processes.stopAllMentioning(run.toString(), Duration.ofSeconds(10));
        TempDirs.deleteRecursively(run);
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void theLayoutIsLinuxKitsWithTheProgramsInUsrBinAndTheInitScript() throws Exception {
        assertEquals(PROGRAMS, names(image.resolve("usr/bin")));
        assertEquals(Set.of("002-logging"), names(image.resolve("etc/init.d")));
        assertTrue(Files.isExecutable(image.resolve("etc/init.d/002-logging")));
        assertTrue(Files.readString(image.resolve("etc/init.d/002-logging")).contains("\n/usr/bin/memlogd -daemonize\n"));
        assertEquals(1, names(image.resolve("usr/lib/memlogd/native")).size(), "junixsocket's library, unpacked");
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void theRuntimeHoldsOnlyTheModulesJdepsNamesWithItsCdsArchive() throws Exception {
        Result modules = run(Duration.ofSeconds(30), runtime("bin/java").toString(), "--list-modules");

        assertEquals(0, modules.code, modules.output);
        // jdk.net: the daemon reads each query client's SO_PEERCRED (docs/reliability.md).
        assertEquals(List.of("java.base", "java.logging", "java.rmi", "jdk.net", "jdk.unsupported"),
                modules.output.lines().map(m -> m.replaceFirst("@.*", "")).sorted().collect(Collectors.toList()));
        assertTrue(Files.isRegularFile(runtime("lib/server/classes.jsa")), "the runtime's CDS archive");
        assertEquals(feature >= 25, Files.isRegularFile(image.resolve("usr/lib/memlogd/memlogd.aot")),
                "an AOT cache exactly on a JDK 25+ runtime (feature " + feature + ")");
    }

    @Test
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void initsMemlogdDaemonizeStartsOnAReadOnlyImageWithNoWritableTempDirectory() throws Exception {
        Result daemonize = inNamespaceWithoutTemp(false, "-daemonize");

        assertEquals(0, daemonize.code, daemonize.output);
        assertTrue(SocketProbes.datagramConnects(run.resolve("log.sock")), "log socket accepts");
        assertTrue(DaemonProcess.querySocketAnswers(run.resolve("q.sock")), "query socket answers");
        long pid = daemonPid();
        assertEquals(runtime("bin/java").toRealPath(), Path.of("/proc/" + pid + "/exe").toRealPath(),
                "the image's runtime, not JAVA_HOME's or PATH's java");
        String archive = feature >= 25 ? "/usr/lib/memlogd/memlogd.aot" : "/runtime/lib/server/classes.jsa";
        assertTrue(Files.readString(Path.of("/proc/" + pid + "/maps")).contains(archive),
                "the JVM maps " + archive + " (a cache it refused would not be mapped)");
    }

    @Test
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void theImagesProgramsCarryALineFromTheWrapperToLogread() throws Exception {
        Result daemonize = inNamespaceWithoutTemp(false, "-daemonize");
        Result exec = run(Duration.ofSeconds(60), image.resolve("usr/bin/memlogd-exec").toString(), "-require-daemon",
                "-socket", run.resolve("log.sock").toString(), "-n", "onboot.image", "echo", "from the image");
        Result logread = run(Duration.ofSeconds(60), image.resolve("usr/bin/logread").toString(),
                "-socket", run.resolve("q.sock").toString());

        assertEquals(0, daemonize.code, daemonize.output);
        assertEquals(0, exec.code, exec.output);
        assertTrue(logread.output.contains(";onboot.image.out;from the image\n"), logread.output);
    }

    /** The control: the namespace really leaves junixsocket nowhere to unpack its library. */
    @Test
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void withoutTheUnpackedLibraryTheSameStartFails() throws Exception {
        Result daemonize = inNamespaceWithoutTemp(true, "-daemonize");

        assertEquals(1, daemonize.code, daemonize.output);
    }

    /**
     * Runs the image's {@code /usr/bin/memlogd} with these flags and sockets in {@link #run}, in a
     * mount namespace where the image is read-only, {@code /tmp} is an empty read-only file
     * system, and {@code TMPDIR} names a directory that does not exist; with {@code hideNative},
     * {@code usr/lib/memlogd/native} is empty too.
     */
    private Result inNamespaceWithoutTemp(boolean hideNative, String... flags) throws Exception {
        String script = "set -e\n"
                + "mount --bind \"$1\" \"$1\"\n"
                + "mount -o remount,bind,ro \"$1\"\n"
                + "mount -t tmpfs -o ro,size=4k tmpfs /tmp\n"
                + (hideNative ? "mount -t tmpfs -o ro,size=4k tmpfs \"$1/usr/lib/memlogd/native\"\n" : "")
                + "! touch /tmp/writable 2>/dev/null\n"
                + "shift\n"
                + "TMPDIR=/nonexistent exec \"$@\"\n";
        List<String> command = new ArrayList<>(List.of("unshare", "-m", "--propagation", "private", "sh", "-c", script,
                "sh", image.toString(), image.resolve("usr/bin/memlogd").toString(),
                "-socket-log", run.resolve("log.sock").toString(), "-socket-query", run.resolve("q.sock").toString()));
        command.addAll(List.of(flags));
        return run(Duration.ofSeconds(90), command.toArray(String[]::new));
    }

    private long daemonPid() throws IOException {
        try (Stream<ProcessHandle> all = ProcessHandle.allProcesses()) {
            Optional<ProcessHandle> daemon = all.filter(p -> p.info().commandLine()
                    .map(c -> c.contains(run.resolve("log.sock").toString())).orElse(false)).findFirst();
            assertTrue(daemon.isPresent(), "no process mentions " + run);
            return daemon.get().pid();
        }
    }

    private static Path runtime(String path) {
        return image.resolve("usr/lib/memlogd/runtime").resolve(path);
    }

    private static Set<String> names(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.map(e -> e.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
        }
    }

    private record Result(int code, String output) {
    }

    /** Runs a command to its end, stdin from /dev/null, stdout and stderr together. */
    private static Result run(Duration limit, String... command) throws IOException, InterruptedException {
        Path output = Files.createTempFile(DaemonProcess.home().resolve("target"), "image-run-", ".txt");
        try {
            Process process = new ProcessBuilder(command)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile())
                    .start();
            assertTrue(process.waitFor(limit.toSeconds(), TimeUnit.SECONDS),
                    "still running after " + limit + ": " + List.of(command));
            return new Result(process.exitValue(), Files.readString(output));
        } finally {
            Files.delete(output);
        }
    }
}
