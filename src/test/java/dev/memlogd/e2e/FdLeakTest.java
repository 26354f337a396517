package dev.memlogd.e2e;

import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.memlogd.core.client.QueryClient;
import dev.memlogd.core.wire.LinuxKit;

import dev.memlogd.e2e.Sources.Source;
import dev.memlogd.testkit.Await;

/**
 * Sources come and go all day (every container restart), and so do query clients; the daemon
 * must close each one's fd when it ends.
 */
class FdLeakTest extends DaemonPerTest {
    private static final int BATCHES = 10;
    private static final int PER_KIND_PER_BATCH = 100;

    @Test
    @Timeout(value = 90, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void fdCountReturnsToBaselineAfterTwoThousandSourcesOpenWriteAndClose() throws Exception {
        SortedMap<Integer, String> baseline = daemon.settledOpenFds();

        for (int batch = 0; batch < BATCHES; batch++) {
            List<String> names = new ArrayList<>();
            for (int i = 0; i < PER_KIND_PER_BATCH; i++) {
                names.add("batch" + batch + ".source" + i);
            }
            List<Source> sources = new ArrayList<>(Sources.socketpairs(daemon.logSocket(), names));
            sources.addAll(Sources.fifos(daemon.dir(), daemon.logSocket(), names));
            for (Source source : sources) {
                source.println("line of " + source.name());
            }
            Sources.closeAll(sources);
        }

        int total = 2 * BATCHES * PER_KIND_PER_BATCH;
        daemon.awaitDump(dump -> dump.stream().filter(e -> e.msg().startsWith("line of batch")).count() == total,
                "the line of each of the " + total + " sources");
        daemon.awaitFdCount(baseline);
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void fdCountReturnsToBaselineAfterQueryClientsComeAndGo() throws Exception {
        SortedMap<Integer, String> baseline = daemon.settledOpenFds();

        for (int i = 0; i < 200; i++) {
            daemon.dumpLines();
        }
        List<QueryClient> followers = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            followers.add(QueryClient.open(daemon.querySocket(), i % 2 == 0 ? LinuxKit.MODE_FOLLOW
                    : LinuxKit.MODE_DUMP_FOLLOW));
        }
        Await.awaitValue(() -> daemon.openFds().size(), count -> count >= baseline.size() + followers.size(),
                "the daemon holds the " + followers.size() + " followers");
        for (int i = 0; i < 20; i++) {
            RawQuery.connect(daemon.querySocket()).close(); // gone before sending a mode byte
        }
        daemon.dumpLines(); // answered only once the 20 before it were accepted (in order)
        Sources.closeAll(followers);

        daemon.awaitFdCount(baseline);
    }
}
