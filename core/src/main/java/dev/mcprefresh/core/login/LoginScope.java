package dev.mcprefresh.core.login;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The scope a login asks for: the user's {@code --scope} (after an insufficient_scope answer, the challenged scopes),
 * else the resource's scopes_supported (RFC 9728, as the MCP spec prefers); always with what was already granted, so
 * a step-up never loses a scope the app relies on (the 2026-07-28 MCP authorization revision: ask for the union of the
 * granted and the challenged scopes); plus offline_access where the server lists it, for a refresh token.
 */
public final class LoginScope {
    private LoginScope() {
    }

    /** Null when there is nothing to ask for (the server's default applies). */
    public static String of(String requested, Collection<String> resourceScopes, Collection<String> scopesSupported,
            String granted) {
        Set<String> scopes = new LinkedHashSet<>();
        addAll(scopes, granted);
        if (requested != null) {
            addAll(scopes, requested);
        } else {
            scopes.addAll(resourceScopes);
        }
        if (scopesSupported.contains("offline_access")) {
            scopes.add("offline_access");
        }
        return scopes.isEmpty() ? null : String.join(" ", scopes);
    }

    private static void addAll(Set<String> scopes, String spaceSeparated) {
        if (spaceSeparated != null) {
            for (String s : spaceSeparated.trim().split("\\s+")) {
                if (!s.isEmpty()) {
                    scopes.add(s);
                }
            }
        }
    }
}
