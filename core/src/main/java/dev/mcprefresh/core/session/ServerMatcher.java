package dev.mcprefresh.core.session;

import dev.mcprefresh.core.store.TokenRecord;
import java.net.URI;
import java.util.Collection;
import java.util.Locale;

/**
 * Which stored server a transport's URL belongs to, and whether a request URI may carry that server's token.
 * A token is only ever sent to its own server's origin (scheme, host, port).
 */
public final class ServerMatcher {
    private ServerMatcher() {
    }

    /**
     * The stored record for a transport URL: same origin required; then the exact URL, else the record whose path
     * is the longest segment-wise prefix of the URL's (or the reverse), else the only record on that origin.
     */
    public static TokenRecord find(Collection<TokenRecord> records, URI url) {
        String origin = origin(url);
        String path = normalizePath(url.getPath());
        TokenRecord best = null;
        int bestScore = -1;
        int onOrigin = 0;
        TokenRecord onlyOnOrigin = null;
        for (TokenRecord r : records) {
            URI stored;
            try {
                stored = URI.create(r.serverUrl());
            } catch (IllegalArgumentException e) {
                continue;
            }
            if (!origin.equals(origin(stored))) {
                continue;
            }
            onOrigin++;
            onlyOnOrigin = r;
            String storedPath = normalizePath(stored.getPath());
            int score = -1;
            if (storedPath.equals(path)) {
                score = Integer.MAX_VALUE;
            } else if (isPrefix(storedPath, path) || isPrefix(path, storedPath)) {
                score = Math.min(storedPath.length(), path.length());
            }
            if (score > bestScore) {
                bestScore = score;
                best = r;
            }
        }
        if (best != null && bestScore >= 0) {
            return best;
        }
        return onOrigin == 1 ? onlyOnOrigin : null;
    }

    private static boolean isPrefix(String prefix, String path) {
        return prefix.isEmpty() || path.startsWith(prefix + "/");
    }

    private static String normalizePath(String path) {
        if (path == null) {
            return "";
        }
        String p = path;
        while (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p;
    }

    /** Lower-case scheme and host, explicit port. */
    public static String origin(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
        return scheme + "://" + host + ":" + port(uri);
    }

    static int port(URI uri) {
        if (uri.getPort() != -1) {
            return uri.getPort();
        }
        return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }

    /** Whether two absolute URLs share scheme, host and port; false when either does not parse. */
    public static boolean sameOrigin(URI uri, String other) {
        try {
            URI o = URI.create(other);
            return o.getScheme() != null && o.getHost() != null
                    && sameOrigin(uri, o.getScheme().toLowerCase(Locale.ROOT), o.getHost(), port(o));
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Allocation-free check that {@code uri} has the given origin parts. */
    public static boolean sameOrigin(URI uri, String scheme, String host, int port) {
        return scheme.equalsIgnoreCase(uri.getScheme()) && host.equalsIgnoreCase(uri.getHost()) && port == port(uri);
    }
}
