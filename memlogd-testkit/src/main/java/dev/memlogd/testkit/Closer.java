package dev.memlogd.testkit;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * What a test opened (processes, sources, sockets), closed at its end in reverse order of
 * opening, as try-with-resources would: a producer before the daemon it writes to. Every
 * resource is closed even when one fails; the first failure is thrown, the others added to it.
 */
public final class Closer implements AutoCloseable {
    private final Deque<AutoCloseable> resources = new ArrayDeque<>();

    /** Registers {@code resource} to be closed by {@link #close()}, and returns it. */
    public <T extends AutoCloseable> T add(T resource) {
        resources.push(resource);
        return resource;
    }

    @Override
    public void close() throws Exception {
        Exception failure = null;
        while (!resources.isEmpty()) {
            try {
                resources.pop().close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
