package dev.mcprefresh.core.session;

import dev.mcprefresh.core.store.TokenRecord;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Which stored MCP server a transport's URL belongs to. Same origin required ({@link Origin}); the stored URL's path
 * must be a segment prefix of the transport's (a stored {@code /mcp} covers {@code /mcp} and {@code /mcp/x}, never
 * {@code /mcpx}); the longest such path wins. Two stored URLs that tie (the same origin and path written two ways)
 * match nothing: the caller says so once. There is no "only entry on this origin" fallback: another path on the same
 * origin may be another server with other credentials.
 */
public final class ServerMatcher {
    private ServerMatcher() {
    }

    /** The outcome: the stored server URL, or null with the tied URLs (if a tie was the reason). */
    public static final class Match {
        public final String serverUrl;
        public final List<String> tied;

        Match(String serverUrl, List<String> tied) {
            this.serverUrl = serverUrl;
            this.tied = tied;
        }
    }

    public static Match find(Collection<TokenRecord> records, URI url) {
        Origin origin = Origin.of(url);
        if (origin == null) {
            return new Match(null, List.of());
        }
        String path = normalizePath(url.getRawPath());
        List<String> best = new ArrayList<>();
        int bestLength = -1;
        for (TokenRecord r : records) {
            URI stored;
            try {
                stored = URI.create(r.serverUrl());
            } catch (IllegalArgumentException e) {
                continue;
            }
            if (!origin.equals(Origin.of(stored))) {
                continue;
            }
            String storedPath = normalizePath(stored.getRawPath());
            if (!isSegmentPrefix(storedPath, path)) {
                continue;
            }
            if (storedPath.length() > bestLength) {
                best.clear();
                bestLength = storedPath.length();
            }
            if (storedPath.length() == bestLength && !best.contains(r.serverUrl())) {
                best.add(r.serverUrl()); // several identities of one server URL are one candidate
            }
        }
        if (best.size() == 1) {
            return new Match(best.get(0), List.of());
        }
        return new Match(null, best);
    }

    static boolean isSegmentPrefix(String prefix, String path) {
        return prefix.isEmpty() || path.equals(prefix) || path.startsWith(prefix + "/");
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

    /** Whether two absolute URLs share scheme, host and port; false when either does not parse. */
    public static boolean sameOrigin(URI uri, String other) {
        Origin o = Origin.of(other);
        return o != null && o.matches(uri);
    }
}
