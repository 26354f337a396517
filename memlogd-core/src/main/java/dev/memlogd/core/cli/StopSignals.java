package dev.memlogd.core.cli;

import sun.misc.Signal;

/**
 * SIGTERM and SIGINT as a request to stop, rather than the JVM's default of running the
 * shutdown hooks and exiting 143/130: the program then stops its loop, cleans up (the daemon
 * removes its socket files, logwrite writes its checkpoint) and exits 0, as an init system
 * expects of a clean stop. {@code sun.misc.Signal} is
 * in the {@code jdk.unsupported} module, exported to everyone, and present since JDK 1.x.
 */
public final class StopSignals {
    private StopSignals() {
    }

    public static void onStop(Runnable stop) {
        for (String name : new String[] {"TERM", "INT"}) {
            try {
                Signal.handle(new Signal(name), signal -> stop.run());
            } catch (IllegalArgumentException e) {
                // Signal not available on this platform or already used by the JVM: the
                // shutdown hook still stops the loop, with the JVM's exit code.
            }
        }
    }
}
