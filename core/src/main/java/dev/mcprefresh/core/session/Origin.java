package dev.mcprefresh.core.session;

import java.net.URI;
import java.util.Locale;

/**
 * A URL's origin (scheme, host, port; RFC 6454): the only place a server's token may go. Hosts compare
 * case-insensitively, ports with the scheme's default filled in, IPv6 literals as the URI class writes them. A host
 * the URI class cannot parse (an underscore in a docker-compose service name) is compared by its raw authority,
 * never as an empty host, so two such hosts never match each other by accident.
 */
public final class Origin {
    private final String scheme;
    private final String host;
    private final int port;
    /** True when {@link #host} came from a raw authority the URI class could not parse into a host. */
    private final boolean rawHost;

    private Origin(String scheme, String host, int port, boolean rawHost) {
        this.scheme = scheme;
        this.host = host;
        this.port = port;
        this.rawHost = rawHost;
    }

    /** The origin of an absolute URI, or null when it has no scheme or no authority. */
    public static Origin of(URI uri) {
        String scheme = uri.getScheme();
        if (scheme == null) {
            return null;
        }
        scheme = scheme.toLowerCase(Locale.ROOT);
        if (uri.getHost() != null) {
            int port = uri.getPort() != -1 ? uri.getPort() : defaultPort(scheme);
            return new Origin(scheme, uri.getHost().toLowerCase(Locale.ROOT), port, false);
        }
        String authority = uri.getRawAuthority();
        if (authority == null || authority.isEmpty()) {
            return null;
        }
        String hostPort = authority.substring(authority.lastIndexOf('@') + 1);
        int colon = hostPort.lastIndexOf(':');
        int port = defaultPort(scheme);
        if (colon >= 0 && hostPort.indexOf(']') < colon) {
            try {
                port = Integer.parseInt(hostPort.substring(colon + 1));
            } catch (NumberFormatException e) {
                return null;
            }
            hostPort = hostPort.substring(0, colon);
        }
        return hostPort.isEmpty() ? null : new Origin(scheme, hostPort.toLowerCase(Locale.ROOT), port, true);
    }

    /** The origin of a URL string, or null when it does not parse or has none. */
    public static Origin of(String url) {
        try {
            return url == null ? null : of(URI.create(url));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static int defaultPort(String scheme) {
        switch (scheme) {
            case "https":
            case "wss":
                return 443;
            case "http":
            case "ws":
                return 80;
            default:
                return -1;
        }
    }

    /** Whether {@code uri} has this origin. Allocation-free when the URI has a parsed host (every usual request). */
    public boolean matches(URI uri) {
        String h = uri.getHost();
        if (h == null || rawHost) {
            return equals(of(uri));
        }
        int p = uri.getPort();
        return scheme.equalsIgnoreCase(uri.getScheme()) && host.equalsIgnoreCase(h)
                && (p != -1 ? p : defaultPort(scheme)) == port;
    }

    public String scheme() {
        return scheme;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Origin)) {
            return false;
        }
        Origin other = (Origin) o;
        return scheme.equals(other.scheme) && host.equals(other.host) && port == other.port && rawHost == other.rawHost;
    }

    @Override
    public int hashCode() {
        return (scheme.hashCode() * 31 + host.hashCode()) * 31 + port;
    }

    @Override
    public String toString() {
        return scheme + "://" + host + ":" + port;
    }
}
