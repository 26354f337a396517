package dev.memlogd.e2e;

import java.time.Duration;
import java.util.Optional;

import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * When a test fails, prints for every live {@link DaemonProcess} its stdout and stderr and the
 * daemon's own entries (source {@code memlogd}: refusals, errors), so a failure report shows what
 * the daemon said. Register with {@code @ExtendWith(DaemonOutputOnFailure.class)}.
 *
 * <p>A failure of the test method itself is reported right after it, before the
 * {@code @AfterEach} methods stop a per-test daemon; a failure in {@code @AfterEach} (or a
 * lifecycle method) is reported once the test is over, for the daemons still running then.
 */
final class DaemonOutputOnFailure implements AfterTestExecutionCallback, TestWatcher {
    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(DaemonOutputOnFailure.class);
    private static final String REPORTED = "reported";

    @Override
    public void afterTestExecution(ExtensionContext context) {
        if (context.getExecutionException().isPresent()) {
            report(context);
            context.getStore(NAMESPACE).put(REPORTED, Boolean.TRUE);
        }
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        if (context.getStore(NAMESPACE).get(REPORTED) == null) {
            report(context);
        }
    }

    @Override
    public void testAborted(ExtensionContext context, Throwable cause) {
        testFailed(context, cause);
    }

    @Override
    public void testDisabled(ExtensionContext context, Optional<String> reason) {
        // Nothing ran.
    }

    private static void report(ExtensionContext context) {
        for (DaemonProcess daemon : DaemonProcess.LIVE) {
            StringBuilder report = new StringBuilder("=== " + context.getDisplayName() + " failed; output of "
                    + daemon + "\n" + daemon.output() + "--- its memlogd entries:\n");
            try {
                DaemonProcess.ownMessages(daemon.dumpWithin(Duration.ofSeconds(2)))
                        .forEach(e -> report.append(e.time()).append(' ').append(e.msg()).append('\n'));
            } catch (Exception | AssertionError e) {
                report.append("(no dump: ").append(e).append(")\n");
            }
            System.err.print(report);
        }
    }
}
