package dev.memlogd.e2e;

import java.util.Optional;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Prints the stdout and stderr of every live {@link DaemonProcess} when a test fails, so a
 * failure report shows what the daemon said (a stack trace, "cannot start: ...").
 * Register with {@code @ExtendWith(DaemonOutputOnFailure.class)}.
 */
final class DaemonOutputOnFailure implements TestWatcher {
    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        for (DaemonProcess daemon : DaemonProcess.LIVE) {
            System.err.println("=== " + context.getDisplayName() + " failed; output of " + daemon);
            System.err.println(daemon.output());
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
}
