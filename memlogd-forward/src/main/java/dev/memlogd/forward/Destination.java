package dev.memlogd.forward;

/**
 * Where entries go: {@code tcp://HOST:PORT} (RFC 6587 octet counting), {@code tls://HOST:PORT}
 * (RFC 5425), {@code udp://HOST:PORT} (RFC 5426, lossy), {@code relp://HOST:PORT} (RELP, each
 * message acknowledged) or {@code relp+tls://HOST:PORT} (RELP inside TLS). HOST is a name, an
 * IPv4 address or an IPv6 address in brackets. Immutable.
 */
record Destination(Scheme scheme, String host, int port) {
    private static final String FORMS = "tcp://HOST:PORT, tls://HOST:PORT, udp://HOST:PORT, relp://HOST:PORT"
            + " or relp+tls://HOST:PORT";

    enum Scheme {
        TCP("tcp", false), TLS("tls", true), UDP("udp", false), RELP("relp", false), RELP_TLS("relp+tls", true);

        private final String text;
        private final boolean tls;

        Scheme(String text, boolean tls) {
            this.text = text;
            this.tls = tls;
        }

        /** Whether the connection is inside TLS (then -ca-file, -cert and -key apply). */
        boolean tls() {
            return tls;
        }

        /** Whether the collector acknowledges each message (RELP). */
        boolean relp() {
            return this == RELP || this == RELP_TLS;
        }

        static Scheme of(String text) {
            for (Scheme scheme : values()) {
                if (scheme.text.equalsIgnoreCase(text)) {
                    return scheme;
                }
            }
            return null;
        }

        @Override
        public String toString() {
            return text;
        }
    }

    /** @throws IllegalArgumentException saying what is wrong with {@code text} */
    static Destination parse(String text) {
        int colonSlashes = text.indexOf("://");
        if (colonSlashes < 0) {
            throw new IllegalArgumentException("not " + FORMS + ": '" + text + "'");
        }
        Scheme scheme = Scheme.of(text.substring(0, colonSlashes));
        if (scheme == null) {
            throw new IllegalArgumentException("unknown scheme '" + text.substring(0, colonSlashes)
                    + "' (tcp, tls, udp, relp or relp+tls): '" + text + "'");
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
        return scheme + "://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
