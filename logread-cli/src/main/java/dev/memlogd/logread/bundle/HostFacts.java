package dev.memlogd.logread.bundle;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Facts about the machine worth having in a bundle, read from {@code /proc}: its host name,
 * kernel release, boot id (which boot the logs belong to) and uptime. Each is null where it
 * cannot be read (not Linux, a restricted {@code /proc}); nothing here fails the bundle.
 */
record HostFacts(String hostname, String kernel, String bootId, Double uptimeSeconds) {
    static HostFacts read() {
        String uptime = proc("uptime");
        Double seconds = null;
        if (uptime != null && !uptime.isEmpty()) {
            try {
                seconds = Double.valueOf(uptime.split(" ")[0]);
            } catch (NumberFormatException e) {
                // left null: a /proc/uptime we cannot read says nothing
            }
        }
        return new HostFacts(proc("sys/kernel/hostname"), proc("sys/kernel/osrelease"),
                proc("sys/kernel/random/boot_id"), seconds);
    }

    private static String proc(String file) {
        try {
            return Files.readString(Path.of("/proc", file), StandardCharsets.UTF_8).strip();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
