package dev.memlogd.daemon.query;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.HashSet;
import java.util.Set;

/**
 * Who may read the log, and whose reading may hold ingest back, by the peer's credentials
 * ({@link Peer}). Reading: anyone who can connect (the query socket file's mode decides),
 * unless {@code -read-uids} or {@code -read-gids} name who may. Holding ingest (ingest waits
 * for a reader rather than lap it, docs/architecture.md): only the users of {@code -hold-uids}
 * (default root) and the groups of {@code -hold-gids}; every other reader is lapped, as
 * LinuxKit laps every reader. Names and numbers are both accepted, resolved once at start.
 */
public final class Access {
    /** No list: anyone passes. */
    private static final Set<Object> ANYONE = null;

    private final Set<Object> readers;
    private final Set<Object> holders;

    private Access(Set<Object> readers, Set<Object> holders) {
        this.readers = readers;
        this.holders = holders;
    }

    /** Everyone reads, root holds: the defaults. */
    public static Access defaults() {
        return parse("", "", "0", "");
    }

    /**
     * @param readUids  users who may read, comma-separated names or numbers; with {@code readGids} both empty: anyone
     * @param readGids  groups (the peer's primary group) whose members may read
     * @param holdUids  users whose reading may hold ingest
     * @param holdGids  groups whose members' reading may hold ingest
     * @throws IllegalArgumentException naming a user or group that does not exist
     */
    public static Access parse(String readUids, String readGids, String holdUids, String holdGids) {
        Set<Object> readers = principals(readUids, readGids);
        Set<Object> holders = principals(holdUids, holdGids);
        return new Access(readers.isEmpty() ? ANYONE : readers, holders);
    }

    /** Whether the peer may read at all. */
    public boolean mayRead(Peer peer) {
        return readers == ANYONE || matches(readers, peer);
    }

    /** Whether ingest may wait for this peer's reading. */
    public boolean mayHold(Peer peer) {
        return mayRead(peer) && matches(holders, peer);
    }

    private static boolean matches(Set<Object> allowed, Peer peer) {
        return peer.user() != null && (allowed.contains(peer.user()) || allowed.contains(peer.group()));
    }

    private static Set<Object> principals(String users, String groups) {
        UserPrincipalLookupService lookup = FileSystems.getDefault().getUserPrincipalLookupService();
        Set<Object> principals = new HashSet<>();
        for (String name : names(users)) {
            try {
                UserPrincipal user = lookup.lookupPrincipalByName(name);
                principals.add(user);
            } catch (IOException e) {
                throw new IllegalArgumentException("no such user: " + name);
            }
        }
        for (String name : names(groups)) {
            try {
                GroupPrincipal group = lookup.lookupPrincipalByGroupName(name);
                principals.add(group);
            } catch (IOException e) {
                throw new IllegalArgumentException("no such group: " + name);
            }
        }
        return principals;
    }

    private static String[] names(String list) {
        String trimmed = list.trim();
        return trimmed.isEmpty() ? new String[0] : trimmed.split("\\s*,\\s*");
    }
}
