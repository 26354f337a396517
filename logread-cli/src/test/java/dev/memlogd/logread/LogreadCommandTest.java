package dev.memlogd.logread;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;
import org.junit.jupiter.api.io.TempDir;

import dev.memlogd.core.wire.LinuxKit;
import dev.memlogd.core.wire.QueryRequest;
import dev.memlogd.testkit.QuerySocketStandIn;
import picocli.CommandLine;

@Timeout(30)
class LogreadCommandTest {
    /** Lines as our daemon and LinuxKit's (local zone, no seq) send them, and what LinuxKit's logread prints. */
    private static final String[][] LINES_AND_OUTPUT = {
        {"{\"time\":\"2026-11-23T00:24:04.28156085Z\",\"source\":\"web.out\",\"msg\":\"GET / 200\",\"seq\":1}",
            "2026-11-23T00:24:04.28156085Z;web.out;GET / 200"},
        {"{\"time\":\"2026-11-23T00:24:05Z\",\"source\":\"a;b;;c\",\"msg\":\"x;y\",\"seq\":2}",
            "2026-11-23T00:24:05Z;a\\;b\\;\\;c;x;y"},
        {"{\"time\":\"2026-11-23T00:24:06.5Z\",\"source\":\"\u00fcn\u00ef\","
                + "\"msg\":\"h\u00e9llo \u65e5\u672c \\u2028 \\ud83d\\ude00 \\u003c\\u0026\\u003e \\ufffd\",\"seq\":3}",
            "2026-11-23T00:24:06.5Z;\u00fcn\u00ef;h\u00e9llo \u65e5\u672c \u2028 \ud83d\ude00 <&> \ufffd"},
        {"{\"time\":\"2026-11-23T00:24:07Z\",\"source\":\"ctl\","
                + "\"msg\":\"tab\\there\\u0001\\u001b[31mred\\r\",\"seq\":4,\"truncated\":true}",
            "2026-11-23T00:24:07Z;ctl;tab\there\u0001\u001b[31mred\r"},
        {"{\"time\":\"2026-11-23T01:24:04.28156085+01:00\",\"source\":\"onboot.sysctl\",\"msg\":\"from LinuxKit\"}",
            "2026-11-23T01:24:04.28156085+01:00;onboot.sysctl;from LinuxKit"},
        {"{\"time\":\"2026-11-22T17:24:04.500000000-07:00\",\"source\":\"x\",\"msg\":\"\"}",
            "2026-11-22T17:24:04.5-07:00;x;"},
        // A priority (memlogd -syslog-prefix) is not part of LinuxKit's line: the text shows the message alone.
        {"{\"time\":\"2026-11-23T00:24:07.5Z\",\"source\":\"kmsg\",\"msg\":\"disk error\",\"seq\":5,\"pri\":3}",
            "2026-11-23T00:24:07.5Z;kmsg;disk error"},
        {"{\"time\":\"2026-11-23T00:24:08Z\",\"source\":\"memlogd\","
                + "\"msg\":\"this reader missed 3 entries\",\"lost\":3}",
            "2026-11-23T00:24:08Z;memlogd;this reader missed 3 entries"},
    };

    @TempDir
    Path dir;
    private QuerySocketStandIn memlogd;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @RegisterExtension
    final TestWatcher printOnFailure = new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            System.err.println("--- stdout:\n" + out + "--- stderr:\n" + err);
        }
    };

    @AfterEach
    void close() throws IOException {
        if (memlogd != null) {
            memlogd.close();
        }
    }

    private Path serve(String reply) throws IOException {
        Path path = dir.resolve("q.sock");
        memlogd = QuerySocketStandIn.bind(path, LinuxKit.MODE_QUERY);
        memlogd.replyWith(reply);
        return path;
    }

    private int logread(Path socket, String... args) {
        String[] all = Arrays.copyOf(new String[] {"-socket", socket.toString()}, 2 + args.length);
        System.arraycopy(args, 0, all, 2, args.length);
        return logread(all);
    }

    private int logread(String... args) {
        CommandLine cl = new CommandLine(new LogreadCommand());
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        return cl.execute(args);
    }

    private static String joinLines(int column) {
        StringBuilder sb = new StringBuilder();
        for (String[] pair : LINES_AND_OUTPUT) {
            sb.append(pair[column]).append('\n');
        }
        return sb.toString();
    }

    @Test
    void dumpPrintsEachEntryExactlyAsLinuxKitsLogread() throws Exception {
        Path socket = serve(joinLines(0));

        int code = logread(socket);

        assertEquals(0, code);
        assertEquals(joinLines(1), out.toString());
        assertEquals("", err.toString());
    }

    @Test
    void eachLinuxKitFlagSendsLinuxKitsModeByte() throws Exception {
        Object[][] cases = {
            {new String[] {}, LinuxKit.MODE_DUMP},
            {new String[] {"-f=false"}, LinuxKit.MODE_DUMP},
            {new String[] {"-f"}, LinuxKit.MODE_FOLLOW},
            {new String[] {"--f"}, LinuxKit.MODE_FOLLOW},
            {new String[] {"-f=true"}, LinuxKit.MODE_FOLLOW},
            {new String[] {"-F"}, LinuxKit.MODE_DUMP_FOLLOW},
            {new String[] {"--F"}, LinuxKit.MODE_DUMP_FOLLOW},
            {new String[] {"-F=true"}, LinuxKit.MODE_DUMP_FOLLOW},
            {new String[] {"-f", "-F"}, LinuxKit.MODE_DUMP_FOLLOW},
            {new String[] {"-o", "json"}, LinuxKit.MODE_DUMP},
        };
        for (Object[] c : cases) {
            String[] args = (String[]) c[0];
            Path socket = serve("");

            logread(socket, args);

            assertArrayEquals(new byte[] {(Byte) c[1]}, memlogd.awaitRequest(), String.join(" ", args));
            memlogd.close();
            Files.delete(socket);
        }
    }

    @Test
    void followEndsWith74AndOneLineWhenMemlogdCloses() throws Exception {
        Path socket = serve(LINES_AND_OUTPUT[0][0] + "\n");

        int code = logread(socket, "-F");

        assertEquals(74, code);
        assertEquals(LINES_AND_OUTPUT[0][1] + "\n", out.toString());
        assertEquals("logread: memlogd at " + socket + " closed the connection" + System.lineSeparator(),
                err.toString());
    }

    @Test
    void filtersSendModeThreeWithAJsonRequest() throws Exception {
        Object[][] cases = {
            {new String[] {"-n", "5"}, request(true, false, -1, 5)},
            {new String[] {"--lines=0"}, request(true, false, -1, 0)},
            {new String[] {"--source", "web", "-source=web.out"}, request(true, false, -1, -1, "web", "web.out")},
            {new String[] {"-f", "--source", "web"}, request(false, true, -1, -1, "web")},
            // Issue 10: "--source web" was the README's way to a service's lines, and gave its stderr only.
            {new String[] {"--service", "web", "-n", "20"}, request(true, false, -1, 20, "web", "web.out")},
            {new String[] {"--service=web", "--source", "kmsg"}, request(true, false, -1, -1, "kmsg", "web", "web.out")},
            {new String[] {"-F", "-n", "20"}, request(true, true, -1, 20)},
            // "tail -n 20 -f" and a resume need the entries held: -f with -n or --after dumps first.
            {new String[] {"-f", "-n", "20"}, request(true, true, -1, 20)},
            {new String[] {"--after", "1042", "-f"}, request(true, true, 1042, -1)},
            {new String[] {"-after=7"}, request(true, false, 7, -1)},
            {new String[] {"--level", "err"}, level(true, false, -1, 3)},
            {new String[] {"-level=0"}, level(true, false, -1, 0)},
            {new String[] {"--level", "warn", "-F"}, level(true, true, -1, 4)},
            {new String[] {"--level=DEBUG", "-n", "10"}, level(true, false, 10, 7)},
            {new String[] {"--level", "error", "-f"}, level(false, true, -1, 3)},
        };
        for (Object[] c : cases) {
            String[] args = (String[]) c[0];
            Path socket = serve("");

            logread(socket, args);

            String expected = (char) LinuxKit.MODE_QUERY + ((QueryRequest) c[1]).toJson() + "\n";
            assertEquals(expected, new String(memlogd.awaitRequest(), StandardCharsets.UTF_8), String.join(" ", args));
            memlogd.close();
            Files.delete(socket);
        }
    }

    private static QueryRequest request(boolean dump, boolean follow, long after, int tail, String... sources) {
        return new QueryRequest(dump, follow, after, tail, List.of(sources));
    }

    private static QueryRequest level(boolean dump, boolean follow, int tail, int level) {
        return new QueryRequest(dump, follow, -1, tail, List.of(), false, null, level);
    }

    @Test
    void everyLevelNameAndNumberJournalctlTakesIsSentAsItsNumber() throws Exception {
        String[][] names = {{"0", "emerg"}, {"1", "alert"}, {"2", "crit"}, {"3", "err", "error"},
            {"4", "warning", "warn"}, {"5", "notice"}, {"6", "info"}, {"7", "debug"}};
        for (int level = 0; level < names.length; level++) {
            for (String name : names[level]) {
                Path socket = serve("");

                logread(socket, "--level", name);

                String expected = (char) LinuxKit.MODE_QUERY + "{\"level\":" + level + "}\n";
                assertEquals(expected, new String(memlogd.awaitRequest(), StandardCharsets.UTF_8), name);
                memlogd.close();
                Files.delete(socket);
            }
        }
    }

    @Test
    void unknownLevelIsAUsageErrorListingTheLevels() {
        int code = logread("--level", "8");

        assertEquals(2, code);
        assertTrue(err.toString().contains("not a syslog level: '8' (0-7, or emerg, alert, crit, err, warning, notice,"
                + " info, debug; also error, warn)"), err.toString());
    }

    @Test
    void jsonOutputIsTheDaemonsLinesAsSent() throws Exception {
        String lines = joinLines(0) + "not json at all\n";
        Path socket = serve(lines);

        int code = logread(socket, "-o", "json");

        assertEquals(0, code);
        assertEquals(lines, out.toString());
        assertEquals("", err.toString());
    }

    @Test
    void unparseableLineIsReportedOnceAndSkipped() throws Exception {
        Path socket = serve("not json\n" + LINES_AND_OUTPUT[0][0] + "\n");

        int code = logread(socket);

        assertEquals(0, code);
        assertEquals(LINES_AND_OUTPUT[0][1] + "\n", out.toString());
        String[] messages = err.toString().split(System.lineSeparator());
        assertEquals(1, messages.length, err.toString());
        assertTrue(messages[0].startsWith("logread: skipped a line from memlogd that is not a log entry ("),
                messages[0]);
        assertTrue(messages[0].endsWith("): not json"), messages[0]);
    }

    @Test
    void noDaemonExits69WithOneLineNamingThePath() {
        Path missing = dir.resolve("missing.sock");

        int code = logread("-socket", missing.toString());

        assertEquals(69, code);
        assertEquals("", out.toString());
        assertEquals("logread: no memlogd at " + missing + ": no such file" + System.lineSeparator(), err.toString());
    }

    @Test
    void negativeLinesIsAUsageError() {
        assertEquals(2, logread("-n", "-1"));
    }

    @Test
    void unknownFlagIsAUsageError() {
        assertEquals(2, logread("-x"));
    }

    @Test
    void helpListsTheExitCodesAndExitsZero() {
        int code = logread("--help");

        assertEquals(0, code);
        assertTrue(out.toString().contains("Usage: logread"), out.toString());
        assertTrue(out.toString().contains("69"), out.toString());
    }

    @Test
    void versionExitsZero() {
        assertEquals(0, logread("--version"));
        assertEquals("dev" + System.lineSeparator(), out.toString());
    }
}
