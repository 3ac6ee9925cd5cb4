package dev.mcprefresh.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcprefresh.core.store.TokenRecord;
import dev.mcprefresh.core.store.FileTokenStore;
import dev.mcprefresh.core.store.TokenStore;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Before: a login or add of another account to the same URL replaced the entry every running JVM used. */
class StoredEntriesTest {
    private static final String URL = "https://mcp.example/mcp";

    @TempDir
    Path dir;

    private static TokenRecord login(String subject, String refreshToken) {
        // As login builds it: the entry is made before the token response names the user.
        TokenRecord client = TokenRecord.builder(URL).issuer("https://as.example").clientId("c").build();
        return client.toBuilder().subject(subject).refreshToken(refreshToken).build();
    }

    @Test
    void aLoginAddsOrUpdatesItsOwnIdentitysEntryAndNeverReplacesAnothers() {
        TokenStore store = new FileTokenStore(dir.resolve("tokens.json"), Duration.ofSeconds(5));
        TokenRecord alice = StoredEntries.save(store, login("alice", "rt-a1"), note -> { });
        TokenRecord bob = StoredEntries.save(store, login("bob", "rt-b1"), note -> { });
        assertEquals(2, store.read().forServer(URL).size());
        TokenRecord alice2 = StoredEntries.save(store, login("alice", "rt-a2"), note -> { });
        assertEquals(alice.id(), alice2.id(), "the same user's entry is updated in place");
        assertEquals(2, store.read().forServer(URL).size());
        assertEquals("rt-a2", store.read().get(alice.id()).refreshToken());
        assertEquals("rt-b1", store.read().get(bob.id()).refreshToken());
    }

    @Test
    void commandsPickAnIdentityByNameOrTheOnlyOne() {
        TokenStore store = new FileTokenStore(dir.resolve("tokens.json"), Duration.ofSeconds(5));
        StoredEntries.save(store, login("alice", "rt-a"), note -> { });
        assertEquals("alice", StoredEntries.pick(store.read(), URL, null, "logout").subject());
        StoredEntries.save(store, login("bob", "rt-b"), note -> { });
        Args.UsageException e = assertThrows(Args.UsageException.class,
                () -> StoredEntries.pick(store.read(), URL, null, "logout"));
        assertTrue(e.getMessage().contains("alice") && e.getMessage().contains("--identity"), e.getMessage());
        assertEquals("bob", StoredEntries.pick(store.read(), URL, "bob", "logout").subject());
        assertNull(StoredEntries.pick(store.read(), URL, "carol", "logout"));
    }

    @Test
    void anUnnamedLoginUpdatesTheUnnamedEntryAndSaysSoAndANamedOneTakesItOver() {
        TokenStore store = new FileTokenStore(dir.resolve("tokens.json"), Duration.ofSeconds(5));
        java.util.List<String> notes = new java.util.ArrayList<>();
        TokenRecord first = StoredEntries.save(store, login(null, "rt-1"), notes::add);
        assertTrue(notes.isEmpty());
        TokenRecord second = StoredEntries.save(store, login(null, "rt-2"), notes::add);
        assertEquals(first.id(), second.id());
        assertTrue(!first.grant().equals(second.grant()), "a new grant, which running apps do not take up");
        assertEquals(1, notes.size(), notes.toString());
        assertTrue(notes.get(0).contains("does not say whose tokens these are"), notes.get(0));
        TokenRecord alice = StoredEntries.save(store, login("alice", "rt-3"), notes::add);
        assertEquals(first.id(), alice.id(), "the entry from before identities were stored is taken over");
        assertEquals(1, store.read().forServer(URL).size());
        StoredEntries.save(store, login("bob", "rt-4"), notes::add);
        assertEquals(2, store.read().forServer(URL).size());
    }

    private static TokenRecord serviceAccount(String subject, String secret) {
        return TokenRecord.builder(URL).issuer("https://as.example").clientId("svc").clientSecret(secret)
                .grantType(TokenRecord.GRANT_CLIENT_CREDENTIALS).subject(subject).displayName("svc").build();
    }

    @Test
    void aServiceAccountNeverTakesOverAUsersUnnamedEntry() {
        // A server that names no user: the login's entry has no subject. A service account added beside it must not
        // replace it (its refresh token would be dropped, and apps would call as the service account).
        TokenStore store = new FileTokenStore(dir.resolve("tokens.json"), Duration.ofSeconds(5));
        TokenRecord user = StoredEntries.save(store, login(null, "rt-1"), note -> { });
        TokenRecord service = StoredEntries.save(store, serviceAccount("svc", "s1"), note -> { });
        assertTrue(!service.id().equals(user.id()));
        assertEquals(2, store.read().forServer(URL).size());
        assertEquals("rt-1", store.read().get(user.id()).refreshToken());
    }

    @Test
    void aServiceAccountAddedAgainUpdatesItsEntryWhateverSubjectEachAddFound() {
        // --no-verify stores the client id as subject; a verified add the minted token's sub: still one account.
        TokenStore store = new FileTokenStore(dir.resolve("tokens.json"), Duration.ofSeconds(5));
        TokenRecord first = StoredEntries.save(store, serviceAccount("svc", "s1"), note -> { });
        TokenRecord again = StoredEntries.save(store, serviceAccount("6f1c-uuid", "s2"), note -> { });
        assertEquals(first.id(), again.id());
        assertEquals(1, store.read().forServer(URL).size());
        assertEquals("s2", store.read().get(first.id()).clientSecret());
    }

    @Test
    void aLoginNeverReplacesAServiceAccount() {
        TokenStore store = new FileTokenStore(dir.resolve("tokens.json"), Duration.ofSeconds(5));
        TokenRecord service = StoredEntries.save(store, serviceAccount("svc", "s1"), note -> { });
        StoredEntries.save(store, login("svc", "rt-1"), note -> { });
        assertEquals(2, store.read().forServer(URL).size());
        assertEquals("s1", store.read().get(service.id()).clientSecret());
    }
}
