package dev.memlogd.daemon;

import java.io.Closeable;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.memlogd.core.wire.LinuxKit;
import dev.memlogd.daemon.fd.FdChannels;
import dev.memlogd.daemon.fd.SocketFiles;
import dev.memlogd.daemon.intake.LogSocket;

/**
 * The daemon's two sockets, bound at their paths or inherited as fds ({@code -fd-log},
 * {@code -fd-query}). Closing removes the socket files this process created, never an
 * inherited socket's file: whoever passed the fd owns it.
 */
final class DaemonSockets implements Closeable {
    final LogSocket log;
    final ServerSocketChannel query;
    /** The query socket file we bound, or null when inherited. */
    private final Path createdQueryPath;
    private final int queryFd;

    private DaemonSockets(LogSocket log, ServerSocketChannel query, Path createdQueryPath, int queryFd) {
        this.log = log;
        this.query = query;
        this.createdQueryPath = createdQueryPath;
        this.queryFd = queryFd;
    }

    /** Binds (or inherits) both sockets; when this returns, both accept. */
    static DaemonSockets open(DaemonConfig config) throws IOException {
        LogSocket log = config.logFd() >= 0 ? LogSocket.inherit(config.logFd(), LinuxKit.MAX_NAME_LEN)
                : LogSocket.bind(config.logSocket(), LinuxKit.MAX_NAME_LEN, config.socketModes());
        try {
            if (config.queryFd() >= 0) {
                return new DaemonSockets(log,
                        FdChannels.listeningUnixSocket(FdChannels.fromNumber(config.queryFd())), null, config.queryFd());
            }
            SocketFiles.claim(config.querySocket(), false);
            ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                server.bind(UnixDomainSocketAddress.of(config.querySocket()));
            } catch (IOException e) {
                server.close();
                throw new IOException("cannot bind query socket " + config.querySocket() + ": " + e.getMessage(), e);
            }
            try {
                config.socketModes().applyToQuerySocket(config.querySocket());
            } catch (IOException e) {
                server.close();
                Files.deleteIfExists(config.querySocket());
                throw e;
            }
            return new DaemonSockets(log, server, config.querySocket(), -1);
        } catch (IOException | RuntimeException e) {
            log.close();
            throw e;
        }
    }

    String logName() {
        return log.describe();
    }

    String queryName() {
        return createdQueryPath != null ? createdQueryPath.toString() : "inherited fd " + queryFd;
    }

    @Override
    public void close() throws IOException {
        try {
            log.close();
            query.close();
        } finally {
            if (createdQueryPath != null) {
                Files.deleteIfExists(createdQueryPath);
            }
        }
    }
}
