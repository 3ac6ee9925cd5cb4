package dev.mcprefresh.core.login;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The scope a login asks for: granted, then requested (or the resource's), then offline_access where offered. */
class LoginScopeTest {
    private static final List<String> NONE = List.of();
    private static final List<String> OFFLINE = List.of("openid", "offline_access");

    @Test
    void theUnionKeepsOrderAndHasNoDuplicates() {
        assertEquals("a b c offline_access", LoginScope.of("b  c a\tb", NONE, OFFLINE, " a b "));
        assertEquals("files:read offline_access files:write",
                LoginScope.of("files:write offline_access", NONE, OFFLINE, "files:read offline_access"),
                "granted first, in their order; a scope asked for again is not repeated");
    }

    @Test
    void aStepUpKeepsWhatWasGranted() {
        // 2026-07-28 revision: the union of the granted and the challenged scopes.
        assertEquals("mcp:read mcp:admin", LoginScope.of("mcp:admin", List.of("mcp:read", "mcp:write"), NONE,
                "mcp:read"));
    }

    @Test
    void theResourceScopesApplyOnlyWithoutARequest() {
        assertEquals("mcp:read mcp:write", LoginScope.of(null, List.of("mcp:read", "mcp:write"), NONE, null));
        assertEquals("old mcp:read mcp:write", LoginScope.of(null, List.of("mcp:read", "mcp:write"), NONE, "old"));
        assertEquals("x", LoginScope.of("x", List.of("mcp:read"), NONE, null), "a request replaces the resource's");
    }

    @Test
    void offlineAccessOnlyWhenTheServerListsIt() {
        assertEquals("mcp offline_access", LoginScope.of("mcp", NONE, OFFLINE, null));
        assertEquals("mcp", LoginScope.of("mcp", NONE, List.of("mcp", "openid"), null));
        assertEquals("offline_access", LoginScope.of(null, NONE, OFFLINE, null));
    }

    @Test
    void nothingToAskForIsNull() {
        assertNull(LoginScope.of(null, NONE, NONE, null));
        assertNull(LoginScope.of("  ", NONE, NONE, ""));
        assertNull(LoginScope.of("", List.of("ignored: a request was given, if empty"), NONE, null));
    }
}
