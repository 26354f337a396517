package dev.memlogd.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.memlogd.e2e.Sources.Source;
import dev.memlogd.testkit.TempDirs;

/**
 * The bundle's {@code index.html} in a real headless browser (Debian's {@code chromium}, which
 * {@code .ci/run} installs): it draws every source, the timeline and the highlights from the
 * embedded summary, with no script error, offline, for a daemon with a few hundred sources.
 */
@ExtendWith(DaemonOutputOnFailure.class)
class BundlePageInBrowserTest {
    private static final int SOURCES = 300;
    private static Path work;
    private static Path page;

    @BeforeAll
    static void makeBundle() throws Exception {
        work = Files.createTempDirectory("bundle-browser-");
        try (DaemonProcess daemon = DaemonProcess.start("-syslog-prefix", "kmsg")) {
            try (Source kmsg = Sources.socketpair(daemon.logSocket(), "kmsg")) {
                kmsg.println("<6>Linux version 6.1.0-28-amd64 (debian-kernel@lists.debian.org)");
                kmsg.println("<4>ACPI: _OSC evaluation for CPUs failed, trying _PDC");
                kmsg.println("<3>ata1.00: failed command: READ FPDMA QUEUED");
                kmsg.println("<6>EXT4-fs (vda): mounted filesystem with ordered data mode");
            }
            List<Source> sources = new ArrayList<>();
            try {
                for (int s = 0; s < SOURCES; s++) {
                    Source source = Sources.socketpair(daemon.logSocket(), String.format("svc-%03d.out", s));
                    sources.add(source);
                    source.println("starting " + s);
                    // Markup in a log line must stay text on the page.
                    source.println(s % 50 == 7 ? "fatal: cannot open <b>/data</b> & more" : "ready");
                }
            } finally {
                Sources.closeAll(sources);
            }
            daemon.awaitEntry(String.format("svc-%03d.out", SOURCES - 1), "ready");
            Path archive = work.resolve("bundle.tar.gz");
            Logread.Result result = Logread.run("-socket", daemon.querySocket().toString(), "--bundle",
                    archive.toString());
            assertEquals(0, result.exitCode(), result::describe);
            Process tar = new ProcessBuilder("tar", "-xzf", archive.toString(), "-C", work.toString())
                    .redirectErrorStream(true).start();
            tar.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
            assertEquals(0, tar.waitFor());
        }
        try (Stream<Path> list = Files.list(work)) {
            page = list.filter(Files::isDirectory).findFirst().orElseThrow().resolve("index.html");
        }
    }

    @AfterAll
    static void cleanUp() throws IOException {
        TempDirs.deleteRecursively(work);
    }

    /** Runs chromium headless on the page with {@code args}; returns its stdout. */
    private static String chromium(String... args) throws Exception {
        Path profile = Files.createTempDirectory(work, "profile-");
        List<String> command = new ArrayList<>(List.of("chromium", "--headless", "--no-sandbox", "--disable-gpu",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + profile));
        command.addAll(List.of(args));
        command.add(page.toUri().toString());
        Path err = work.resolve("chromium.stderr");
        Process process;
        try {
            process = new ProcessBuilder(command).redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        } catch (IOException e) {
            throw new AssertionError("chromium is not installed (.ci/run installs it: apt-get install chromium)", e);
        }
        byte[] out = process.getInputStream().readAllBytes();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("chromium still running after 60 s");
        }
        assertEquals(0, process.exitValue(), () -> "chromium failed: " + readQuietly(err));
        return new String(out, StandardCharsets.UTF_8);
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "(" + e + ")";
        }
    }

    private static int count(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    @Test
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void thePageDrawsEverySourceTheTimelineAndTheHighlightsWithoutAScriptError() throws Exception {
        String dom = chromium("--dump-dom");
        assertTrue(dom.contains("<body data-ready=\"true\""), "the page's script ran to its end:\n" + head(dom));
        assertFalse(Pattern.compile("<body[^>]*data-errors").matcher(dom).find(), "no script error");
        int rows = count(dom.substring(dom.indexOf("<table id=\"sources\""), dom.indexOf("</table>",
                dom.indexOf("<table id=\"sources\""))), "<tr>") - 1;
        assertEquals(SOURCES + 2, rows, "a row per source, kmsg and the daemon's own included");
        Matcher buckets = Pattern.compile("<svg[^>]*data-buckets=\"(\\d+)\"").matcher(dom);
        assertTrue(buckets.find(), "the timeline's chart");
        assertTrue(Integer.parseInt(buckets.group(1)) >= 1);
        assertEquals(Integer.parseInt(buckets.group(1)), count(dom, "<rect "), "a bar per interval");
        assertTrue(dom.contains("data-rows=\"" + (SOURCES + 2) + "\""), "a timeline row per source");
        assertTrue(dom.contains("ata1.00: failed command: READ FPDMA QUEUED"), "the kernel error highlighted");
        String highlights = dom.substring(dom.indexOf("<table id=\"highlights\""), dom.indexOf("</table>",
                dom.indexOf("<table id=\"highlights\"")));
        assertEquals(SOURCES / 50, count(highlights, "fatal: cannot open &lt;b&gt;/data&lt;/b&gt; &amp; more"),
                "every failed service highlighted, its line as text");
        assertFalse(dom.contains("<b>/data</b>"), "no log text became markup");
    }

    @Test
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aScreenshotOfThePageIsNotBlank() throws Exception {
        Path png = work.resolve("page.png");
        chromium("--window-size=1280,1000", "--screenshot=" + png);
        BufferedImage image = ImageIO.read(png.toFile());
        Set<Integer> colours = new HashSet<>();
        for (int y = 0; y < image.getHeight(); y += 4) {
            for (int x = 0; x < image.getWidth(); x += 4) {
                colours.add(image.getRGB(x, y));
            }
        }
        assertTrue(colours.size() > 20, "a drawn page has many colours, a blank one few: " + colours.size());
        // docs/diagnostics.md's picture comes from here: -Dmemlogd.bundle.screenshot=FILE keeps it.
        String keep = System.getProperty("memlogd.bundle.screenshot");
        if (keep != null) {
            Files.copy(png, Path.of(keep), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static String head(String dom) {
        return dom.lines().limit(40).collect(Collectors.joining("\n"));
    }
}
