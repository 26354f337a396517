package dev.memlogd.daemon;

import java.lang.reflect.RecordComponent;
import java.nio.file.Path;

import dev.memlogd.core.wire.JsonWriter;

import dev.memlogd.daemon.ingest.RateLimit;
import dev.memlogd.daemon.ingest.SyslogSources;

/**
 * Everything the daemon is told at start. Every bound the daemon enforces is here, with its
 * default in {@link MemlogdCommand} and docs/architecture.md.
 *
 * @param logSocket       the log (fd-passing) datagram socket path; ignored when {@code logFd >= 0}
 * @param querySocket     the query stream socket path; ignored when {@code queryFd >= 0}
 * @param logFd           an inherited, bound datagram socket, or -1
 * @param queryFd         an inherited, listening stream socket, or -1
 * @param maxLines        ring size in entries
 * @param maxBytes        ring size in bytes (records and their headers)
 * @param maxLineLength   bytes kept per line; the rest of a longer line is dropped
 * @param maxSources      fds read at once; more are refused (closed) with a message
 * @param maxClients      query connections at once; more are refused with a message
 * @param clientBuffer    bytes buffered per query connection (and for the console echo)
 * @param readChunk       bytes read from one source per loop round (fairness between sources)
 * @param modeTimeoutMillis how long a query client may take to send its mode byte (and request)
 * @param clientWaitMillis how long ingest waits for a query client that has stopped taking data
 *                        before lapping it; 0 never waits (see HoldPolicy)
 * @param consoleEcho     print every entry on stdout in logread's format
 * @param syslogPrefix    the sources whose lines' {@code <N>} syslog prefix is read and kept as
 *                        the entry's priority; {@link SyslogSources#NONE} by default
 * @param rateLimit       lines a source may append per interval; {@link RateLimit#OFF} by default
 * @param statsClosedSources closed sources whose counters statistics keep
 */
record DaemonConfig(
        Path logSocket,
        Path querySocket,
        int logFd,
        int queryFd,
        int maxLines,
        int maxBytes,
        int maxLineLength,
        int maxSources,
        int maxClients,
        int clientBuffer,
        int readChunk,
        long modeTimeoutMillis,
        long clientWaitMillis,
        boolean consoleEcho,
        SyslogSources syslogPrefix,
        RateLimit rateLimit,
        int statsClosedSources) {

    /**
     * Every option as a member of the statistics' {@code options} object, named as the record's
     * components are: read from the record itself, so that a new option is reported without a
     * second list to keep in step.
     */
    void writeOptions(JsonWriter json) {
        for (RecordComponent component : DaemonConfig.class.getRecordComponents()) {
            Object value;
            try {
                value = component.getAccessor().invoke(this);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
            json.name(component.getName());
            if (value instanceof Number n) {
                json.value(n.longValue());
            } else if (value instanceof Boolean b) {
                json.value(b);
            } else {
                json.value(value == null ? null : value.toString());
            }
        }
    }
}
