package dev.memlogd.daemon.fd;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;

/**
 * Who may connect to the socket files the daemon binds: their modes ({@code -socket-log-mode},
 * {@code -socket-query-mode}) and group ({@code -socket-group}). Connecting to a Unix socket
 * needs write permission on its file, so the log socket's default {@code 0755} lets only its
 * owner (root, in LinuxKit) hand memlogd fds, as LinuxKit's socket under init's umask 022. An
 * inherited socket's file is not ours to change.
 *
 * @param logMode   octal mode of the log socket file
 * @param queryMode octal mode of the query socket file, or empty to leave it as the umask made it
 * @param group     group of both files, or empty to leave the daemon's
 */
public record SocketModes(String logMode, String queryMode, String group) {
    /** The defaults: the log socket owner-only for writing, the query socket as the umask leaves it. */
    public static final SocketModes DEFAULTS = new SocketModes("0755", "", "");

    private static final PosixFilePermission[] BITS = {
        PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
        PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
        PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ,
    };

    /** What is wrong with these values, as a message, or null. */
    public static String problem(String logMode, String queryMode, String group) {
        if (!logMode.matches("0?[0-7]{3}")) {
            return "-socket-log-mode must be an octal mode such as 0755: " + logMode;
        }
        if (!queryMode.isEmpty() && !queryMode.matches("0?[0-7]{3}")) {
            return "-socket-query-mode must be an octal mode such as 0660: " + queryMode;
        }
        if (!group.isEmpty()) {
            try {
                lookupGroup(group);
            } catch (IOException e) {
                return "-socket-group: no such group: " + group;
            }
        }
        return null;
    }

    /** Applies the log socket's mode and the group to the file just bound at {@code path}. */
    public void applyToLogSocket(Path path) throws IOException {
        apply(path, logMode);
    }

    /** Applies the query socket's mode, if one was given, and the group to the file just bound at {@code path}. */
    public void applyToQuerySocket(Path path) throws IOException {
        apply(path, queryMode);
    }

    private void apply(Path path, String mode) throws IOException {
        try {
            if (!group.isEmpty()) {
                Files.getFileAttributeView(path, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                        .setGroup(lookupGroup(group));
            }
            if (!mode.isEmpty()) {
                Files.setPosixFilePermissions(path, permissions(mode));
            }
        } catch (IOException | UnsupportedOperationException e) {
            throw new IOException("cannot set the mode " + mode + " or group '" + group + "' of " + path + ": "
                    + e.getMessage(), e);
        }
    }

    /** The permissions of an octal mode such as {@code 0755}. */
    static Set<PosixFilePermission> permissions(String mode) {
        int bits = Integer.parseInt(mode, 8);
        Set<PosixFilePermission> permissions = EnumSet.noneOf(PosixFilePermission.class);
        for (int i = 0; i < BITS.length; i++) {
            if ((bits & (1 << i)) != 0) {
                permissions.add(BITS[i]);
            }
        }
        return permissions;
    }

    private static GroupPrincipal lookupGroup(String group) throws IOException {
        return FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByGroupName(group);
    }
}
