package dev.memlogd.core.cli;

import picocli.CommandLine.IVersionProvider;

/**
 * {@code --version} for every program: the {@code Implementation-Version} of the jar this class
 * was loaded from (each program's shaded jar carries the project version in its manifest), or
 * {@value #DEV_VERSION} when run from classes, as in unit tests.
 *
 * <p>{@link #getVersion()} returns one element, the bare version, so that callers can embed it
 * ({@code "memlogd " + getVersion()[0]}). Stateless and thread-safe.
 */
public final class VersionProvider implements IVersionProvider {
    /** The version reported when no jar manifest names one. */
    public static final String DEV_VERSION = "dev";

    @Override
    public String[] getVersion() {
        return new String[] {version()};
    }

    /** The project version, or {@value #DEV_VERSION}. */
    public static String version() {
        String version = VersionProvider.class.getPackage().getImplementationVersion();
        return version == null || version.isBlank() ? DEV_VERSION : version;
    }
}
