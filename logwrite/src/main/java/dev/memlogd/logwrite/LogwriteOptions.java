package dev.memlogd.logwrite;

import java.nio.file.Path;

/**
 * What logwrite is told at start; defaults and meaning in {@link LogwriteCommand} and docs/logwrite.md.
 *
 * @param socket         memlogd's query socket
 * @param logDir         where the files go
 * @param maxLogFiles    rotated files kept per source
 * @param maxLogSize     bytes after which a file is rotated
 * @param syncMillis     at most this long between making the files durable and checkpointing
 * @param compress       gzip rotated files
 * @param retryMaxMillis the longest wait between two attempts to reach memlogd
 * @param probeMillis    how long memlogd may take to answer the extended query before logwrite
 *                       takes it for LinuxKit's (which never answers it)
 */
record LogwriteOptions(Path socket, Path logDir, int maxLogFiles, long maxLogSize, long syncMillis, boolean compress,
        long retryMaxMillis, long probeMillis) {
}
