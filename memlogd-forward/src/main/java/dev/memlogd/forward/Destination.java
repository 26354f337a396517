package dev.memlogd.forward;

import java.util.Locale;

/**
 * Where entries go: {@code tcp://HOST:PORT} (RFC 6587 octet counting), {@code tls://HOST:PORT}
 * (RFC 5425) or {@code udp://HOST:PORT} (RFC 5426, lossy). HOST is a name, an IPv4 address or
 * an IPv6 address in brackets. Immutable.
 */
record Destination(Scheme scheme, String host, int port) {
    enum Scheme { TCP, TLS, UDP }

    /** @throws IllegalArgumentException saying what is wrong with {@code text} */
    static Destination parse(String text) {
        int colonSlashes = text.indexOf("://");
        if (colonSlashes < 0) {
            throw new IllegalArgumentException("not tcp://HOST:PORT, tls://HOST:PORT or udp://HOST:PORT: '" + text + "'");
        }
        Scheme scheme;
        try {
            scheme = Scheme.valueOf(text.substring(0, colonSlashes).toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown scheme '" + text.substring(0, colonSlashes)
                    + "' (tcp, tls or udp): '" + text + "'");
        }
        String rest = text.substring(colonSlashes + 3);
        if (rest.endsWith("/")) {
            rest = rest.substring(0, rest.length() - 1);
        }
        int colon = rest.lastIndexOf(':');
        if (colon <= 0 || (rest.startsWith("[") && !rest.substring(0, colon).endsWith("]"))) {
            throw new IllegalArgumentException("no port in '" + text + "' (HOST:PORT)");
        }
        String host = rest.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(rest.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 1 || port > 65535 || host.isEmpty() || host.contains("/")) {
            throw new IllegalArgumentException("not HOST:PORT with a port 1-65535: '" + text + "'");
        }
        return new Destination(scheme, host, port);
    }

    @Override
    public String toString() {
        return scheme.name().toLowerCase(Locale.ROOT) + "://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
