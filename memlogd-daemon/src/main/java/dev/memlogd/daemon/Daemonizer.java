package dev.memlogd.daemon;

import java.io.BufferedReader;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;

import dev.memlogd.daemon.fd.FdChannels;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code -daemonize} for a JVM, which cannot fork.
 *
 * <p>The boot path is {@code bin/memlogd -daemonize}: the launcher starts ONE JVM in the
 * background with {@code -ready-fd 3}, fd 3 being a pipe it reads; that JVM binds both
 * sockets, writes {@code READY} (or {@code ERROR reason}) to fd 3 and closes it; the launcher
 * then exits 0 (or 1 with the reason). So init goes on only once both sockets accept, and
 * the boot path costs one JVM start.
 *
 * <p>Started directly as {@code java -jar memlogd.jar -daemonize}, the JVM does the same
 * itself ({@link #spawnAndWait}): it starts a second JVM with {@code -ready-fd 1} and waits
 * for its first line (two JVM starts: a fallback, not the boot path).
 */
final class Daemonizer {
    /** Whether the ready fd was written (and closed): there is one report per start. */
    private static boolean reported;

    private Daemonizer() {
    }

    /**
     * Tells whoever started us how the start went, then closes the fd so that its reader sees EOF.
     *
     * @return false when there is no ready fd (foreground run)
     */
    static boolean reportReady(int fd, String status) {
        if (fd < 0) {
            return false;
        }
        if (reported) {
            return true; // closed after the first report: its number may be another fd's by now
        }
        reported = true;
        byte[] line = (status + "\n").getBytes(StandardCharsets.UTF_8);
        try {
            if (fd == 1) {
                System.out.write(line);
                System.out.flush();
                System.out.close();
            } else {
                try (FileOutputStream out = new FileOutputStream(FdChannels.fromNumber(fd))) {
                    out.write(line);
                }
            }
        } catch (IOException e) {
            // The starter went away: nothing to tell it.
        }
        return true;
    }

    /** Starts the daemon as a child JVM and returns 0 once it reports both sockets accept. */
    static int spawnAndWait(PrintWriter err) throws IOException, InterruptedException {
        // The same command line as ours (JVM options, jar, flags) read back from /proc, plus the ready fd.
        ProcessHandle.Info self = ProcessHandle.current().info();
        List<String> command = new ArrayList<>();
        command.add(self.command().orElse("java"));
        command.addAll(List.of(self.arguments().orElse(new String[0])));
        command.add("-ready-fd=1");
        Process child = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        String status;
        String rest;
        try (BufferedReader in = new BufferedReader(
                new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            status = in.readLine();
            rest = "READY".equals(status) ? "" : in.lines().collect(java.util.stream.Collectors.joining("\n"));
        }
        if ("READY".equals(status)) {
            return 0;
        }
        child.waitFor();
        if (status != null && status.startsWith("EXIT ")) {
            // picocli's answer (help, version, a bad command line) and its exit code.
            int exit = Integer.parseInt(status.substring(5).trim());
            (exit == 0 ? new PrintWriter(System.out, true, StandardCharsets.UTF_8) : err).println(rest);
            return exit;
        }
        err.println(status == null ? "memlogd: the daemon exited with " + child.exitValue() + " before it was ready"
                : status.replaceFirst("^ERROR ", ""));
        return 1;
    }

    /**
     * Closes what a daemon's starter left open (its files, pipes, sockets: init's fds, a shell's
     * {@code 7>file}), so that the daemon holds none of them for its lifetime. Kept: stdio, the
     * given fds (the ready pipe, inherited sockets), and the JVM's own at this point (its runtime
     * image and the files of its java home, the jar, the class-data archive, the random devices).
     * Called first thing in a daemonized start, before the daemon opens anything.
     *
     * @return how many fds were closed
     */
    static int closeInheritedFds(int... keep) {
        String[] names = new java.io.File("/proc/self/fd").list();
        if (names == null) {
            return 0;
        }
        String javaHome = System.getProperty("java.home");
        java.util.Set<String> jars = classPathJars();
        int closed = 0;
        for (String name : names) {
            int fd = Integer.parseInt(name);
            if (fd <= 2 || java.util.Arrays.stream(keep).anyMatch(k -> k == fd)) {
                continue;
            }
            String target = dev.memlogd.daemon.fd.FdInspector.linkTarget(fd);
            if (target == null || target.startsWith(javaHome) || jars.contains(target) || target.endsWith(".jsa")
                    || target.equals("/dev/random") || target.equals("/dev/urandom") || target.startsWith("/proc/")) {
                continue;
            }
            try {
                FdChannels.closeQuietly(FdChannels.fromNumber(fd));
                closed++;
            } catch (IOException e) {
                // Not ours to close after all.
            }
        }
        return closed;
    }

    /**
     * The class path's jars by their real paths, as an fd's link names its file. Not the path a
     * class says it came from: classes from a JDK 25 AOT cache carry the path the cache was
     * trained at (the image build's directory, not the image's /usr), and a jar given as
     * {@code PREFIX/x/../lib/memlogd/memlogd.jar} is not its link target either; closing the
     * jar's fd would fail the next class load.
     */
    private static java.util.Set<String> classPathJars() {
        java.util.Set<String> jars = new java.util.HashSet<>();
        for (String entry : System.getProperty("java.class.path", "").split(java.io.File.pathSeparator)) {
            try {
                jars.add(java.nio.file.Path.of(entry).toRealPath().toString());
            } catch (IOException | java.nio.file.InvalidPathException e) {
                // Not a file: nothing of it to keep open.
            }
        }
        return jars;
    }
}
