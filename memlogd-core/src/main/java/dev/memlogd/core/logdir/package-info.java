/**
 * logwrite's log directory as a format: how a source name becomes a file name, and the
 * checkpoint that says what the files hold. logwrite writes it; {@code logread --bundle
 * --log-dir} reads it, so both use these classes.
 */
package dev.memlogd.core.logdir;
