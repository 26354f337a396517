package dev.memlogd.forward;

import java.nio.file.Path;
import java.util.List;

/**
 * What the forwarder is told at start; defaults and meaning in {@link ForwardCommand} and
 * docs/forwarding.md.
 *
 * @param socket           memlogd's query socket
 * @param to               the collector
 * @param stateDir         where the checkpoint is kept
 * @param hostname         HOSTNAME of every message
 * @param defaultPri       PRI of entries without a priority
 * @param maxLevel         only entries of this level or more severe (their priority's, else the default's)
 * @param include          source globs to forward (empty: every source)
 * @param exclude          source globs not to forward
 * @param caFile           TLS: CAs to trust, or null (the JDK's)
 * @param certFile         TLS: own certificate chain, or null
 * @param keyFile          TLS: own PKCS#8 key, or null
 * @param maxMessageBytes  longest message; longer ones are cut, with a marker
 * @param maxInFlightBytes sent and not yet taken as received; reading memlogd waits beyond it
 * @param ackWindowMillis  TCP/TLS: how long after it was handed to the kernel an entry is
 *                         taken as received, if the connection showed no error or close
 * @param retryMaxMillis   longest wait between two attempts to reach memlogd or the collector
 * @param probeMillis      how long memlogd may take to answer the extended query
 * @param connectTimeoutMillis how long a connection to the collector (and a TLS handshake) may take
 * @param relpWindow       RELP: the most messages sent and not yet acknowledged
 */
record ForwardOptions(Path socket, Destination to, Path stateDir, String hostname, int defaultPri, int maxLevel,
        List<String> include, List<String> exclude, Path caFile, Path certFile, Path keyFile, int maxMessageBytes,
        long maxInFlightBytes, long ackWindowMillis, long retryMaxMillis, long probeMillis,
        int connectTimeoutMillis, int relpWindow) {
}
