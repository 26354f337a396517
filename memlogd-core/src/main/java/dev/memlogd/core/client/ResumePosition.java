package dev.memlogd.core.client;

/**
 * Where a {@link ResumingFollower} asks memlogd to continue: after {@code seq} of the daemon
 * {@code daemon}. Immutable.
 *
 * @param daemon the identity of the daemon {@code seq} came from; null when none is known yet
 *               (the first start, or a daemon without identity: LinuxKit's), then the request
 *               starts at the oldest entry held
 * @param seq    the last seq handled of that daemon, -1 for none
 */
public record ResumePosition(String daemon, long seq) {
    /** Nothing handled yet: start at the oldest entry held. */
    public static final ResumePosition START = new ResumePosition(null, -1);
}
