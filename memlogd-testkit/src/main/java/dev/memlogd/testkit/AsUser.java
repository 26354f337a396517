package dev.memlogd.testkit;

import java.util.ArrayList;
import java.util.List;

/**
 * A command run as another user, through util-linux's {@code setpriv}: how the tests (which run
 * as root) make a client whose peer credentials are not root's.
 */
public final class AsUser {
    /** The conventional unprivileged user and group. */
    public static final int NOBODY = 65534;

    private AsUser() {
    }

    /** {@code command} prefixed to run with real and effective uid and gid {@code id}, no supplementary groups. */
    public static List<String> command(int id, List<String> command) {
        List<String> prefixed = new ArrayList<>(List.of("setpriv", "--reuid=" + id, "--regid=" + id, "--clear-groups"));
        prefixed.addAll(command);
        return prefixed;
    }
}
