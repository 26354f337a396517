import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.newsclub.net.unix.AFUNIXDatagramSocket;
import org.newsclub.net.unix.AFUNIXSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;

/**
 * Startup of the daemon as shipped, against the bare JVM, alternating variants in each round
 * (docs/linuxkit.md, "Startup and memory"). Run as a single source file with junixsocket from
 * any of the shaded jars:
 *
 * <pre>
 * java -cp memlogd-daemon/target/memlogd.jar image/StartupBench.java ROUNDS NAME=COMMAND...
 * </pre>
 *
 * A COMMAND starting with {@code version:} is run to its end ({@code version:/usr/bin/java -version});
 * any other is a memlogd launcher, started with temp sockets and {@code -no-console}, timed from
 * exec until both sockets accept (a datagram connect and a stream connect, probed every 0.5 ms),
 * its RssAnon read then (at ready) and after 2 s idle, then stopped with SIGTERM. Prints each
 * variant's median (min-max) and its median ratio to the first variant of the same round.
 */
public class StartupBench {
    public static void main(String[] args) throws Exception {
        int rounds = Integer.parseInt(args[0]);
        Map<String, String> variants = new LinkedHashMap<>();
        for (int i = 1; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            variants.put(args[i].substring(0, eq), args[i].substring(eq + 1));
        }
        String first = variants.keySet().iterator().next();
        Map<String, List<Double>> ms = new LinkedHashMap<>();
        Map<String, List<Double>> ratio = new LinkedHashMap<>();
        Map<String, List<Double>> rssReady = new LinkedHashMap<>();
        Map<String, List<Double>> rssIdle = new LinkedHashMap<>();
        for (int round = 0; round < rounds; round++) {
            double base = 0;
            for (Map.Entry<String, String> v : variants.entrySet()) {
                double[] r = v.getValue().startsWith("version:")
                        ? new double[] {runToEnd(v.getValue().substring(8)), Double.NaN, Double.NaN}
                        : daemon(v.getValue());
                if (v.getKey().equals(first)) {
                    base = r[0];
                }
                ms.computeIfAbsent(v.getKey(), k -> new ArrayList<>()).add(r[0]);
                ratio.computeIfAbsent(v.getKey(), k -> new ArrayList<>()).add(r[0] / base);
                rssReady.computeIfAbsent(v.getKey(), k -> new ArrayList<>()).add(r[1]);
                rssIdle.computeIfAbsent(v.getKey(), k -> new ArrayList<>()).add(r[2]);
            }
        }
        System.out.printf("| variant | ms, median (min-max) | ratio to %s, median | RssAnon MiB at ready | idle 2 s |%n", first);
        System.out.println("|---|---|---|---|---|");
        for (String name : variants.keySet()) {
            List<Double> t = ms.get(name);
            System.out.printf("| %s | %.1f (%.1f-%.1f) | %.2f | %s | %s |%n", name, median(t), min(t), max(t),
                    median(ratio.get(name)), mib(rssReady.get(name)), mib(rssIdle.get(name)));
        }
    }

    private static String mib(List<Double> values) {
        return Double.isNaN(values.get(0)) ? "-" : String.format("%.1f", median(values));
    }

    private static double runToEnd(String command) throws Exception {
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(command.split(" ")).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        p.waitFor();
        return (System.nanoTime() - t0) / 1e6;
    }

    /** {ms to both sockets accepting, RssAnon MiB then, RssAnon MiB after 2 s idle}. */
    private static double[] daemon(String launcher) throws Exception {
        Path dir = Files.createTempDirectory("startup-bench-");
        Path log = dir.resolve("log.sock");
        Path query = dir.resolve("q.sock");
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(launcher, "-no-console", "-socket-log", log.toString(),
                "-socket-query", query.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("out").toFile()).redirectInput(new File("/dev/null")).start();
        while (!(datagramConnects(log) && streamConnects(query))) {
            if (!p.isAlive()) {
                throw new IllegalStateException(launcher + " exited: " + Files.readString(dir.resolve("out")));
            }
            Thread.sleep(0, 500_000);
        }
        double startMs = (System.nanoTime() - t0) / 1e6;
        double ready = rssAnonMib(p.pid());
        Thread.sleep(2000);
        double idle = rssAnonMib(p.pid());
        p.destroy();
        p.waitFor();
        for (File f : dir.toFile().listFiles()) {
            f.delete();
        }
        Files.delete(dir);
        return new double[] {startMs, ready, idle};
    }

    private static double rssAnonMib(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("RssAnon:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
            }
        }
        return Double.NaN;
    }

    private static boolean datagramConnects(Path path) {
        try (AFUNIXDatagramSocket s = AFUNIXDatagramSocket.newInstance()) {
            s.connect(AFUNIXSocketAddress.of(path));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean streamConnects(Path path) {
        try (AFUNIXSocket s = AFUNIXSocket.newInstance()) {
            s.connect(AFUNIXSocketAddress.of(path));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static double median(List<Double> v) {
        List<Double> s = new ArrayList<>(v);
        s.sort(null);
        return s.get(s.size() / 2);
    }

    private static double min(List<Double> v) {
        return v.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    }

    private static double max(List<Double> v) {
        return v.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    }
}
