package dev.memlogd.daemon.query;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.UserPrincipal;

import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;

/**
 * Who is at the other end of a query connection: the user and primary group the kernel
 * recorded when it connected ({@code SO_PEERCRED}, through the JDK's public socket option).
 * The JDK gives names (or the number when a uid has no name) and no pid; principals compare by
 * number, whatever their spelling. Supplementary groups are not part of {@code SO_PEERCRED}.
 *
 * @param user  the peer's effective uid when it connected, or null if the kernel did not say
 * @param group the peer's effective gid when it connected, or null if the kernel did not say
 */
public record Peer(UserPrincipal user, GroupPrincipal group) {
    /** A peer whose credentials could not be read: it matches no allow list. */
    public static final Peer UNKNOWN = new Peer(null, null);

    /**
     * Reads the peer's credentials. Costs a {@code getsockopt} and the JDK's lookup of the
     * names ({@code getpwuid}, {@code getgrgid}).
     */
    public static Peer of(SocketChannel channel) {
        try {
            UnixDomainPrincipal principal = channel.getOption(ExtendedSocketOptions.SO_PEERCRED);
            return new Peer(principal.user(), principal.group());
        } catch (IOException | UnsupportedOperationException e) {
            return UNKNOWN;
        }
    }

    @Override
    public String toString() {
        return user == null ? "unknown user" : "user " + user.getName() + " group " + group.getName();
    }
}
