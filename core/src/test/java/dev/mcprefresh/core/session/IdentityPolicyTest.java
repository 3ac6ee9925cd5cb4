package dev.mcprefresh.core.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcprefresh.core.store.TokenRecord;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The identity rule, decision by decision. Before it existed every request of a server got its one entry's token. */
class IdentityPolicyTest {
    private static final String URL = "https://mcp.example/mcp";
    private static final String ISSUER = "https://as.example";

    private static TokenRecord entry(String subject, String accessToken) {
        TokenRecord.Builder b = TokenRecord.builder(URL).issuer(ISSUER).subject(subject).displayName(subject);
        return b.issuedAccessToken(accessToken).build();
    }

    private final TokenRecord alice = entry("alice", "opaque-alice-1");
    private final TokenRecord bob = entry("bob", "opaque-bob-1");

    private static IdentityPolicy.Decision decide(List<TokenRecord> ids, String header) {
        return IdentityPolicy.decide(ids, header, false);
    }

    @Test
    void aJwtGoesToTheIdentityWithItsIssuerAndSubject() {
        assertSame(bob, decide(List.of(alice, bob), "Bearer " + Jwts.of(ISSUER, "bob")).entry);
        assertSame(alice, decide(List.of(alice, bob), "bearer " + Jwts.of(ISSUER + "/", "alice")).entry);
    }

    @Test
    void aJwtOfAUserTheStoreDoesNotHoldIsLeftAloneAndSaysWhoWithoutTheToken() {
        String token = Jwts.of(ISSUER, "carol");
        IdentityPolicy.Decision d = decide(List.of(alice), "Bearer " + token);
        assertNull(d.entry, "the only identity is not taken for another user's JWT");
        assertTrue(d.whyNone.contains("subject carol"), d.whyNone);
        assertFalse(d.whyNone.contains(token));
        assertNull(decide(List.of(alice), "Bearer " + Jwts.of("https://other-issuer.example", "alice")).entry,
                "the same subject at another issuer is another user");
    }

    @Test
    void aTokenAnEntryIssuedOrHoldsGoesToThatEntry() {
        TokenRecord refreshed = bob.toBuilder().issuedAccessToken("opaque-bob-2").build();
        assertSame(refreshed, decide(List.of(alice, refreshed), "Bearer opaque-bob-1").entry, "one it held before");
        assertSame(refreshed, decide(List.of(alice, refreshed), "Bearer opaque-bob-2").entry, "the one it holds");
    }

    @Test
    void anOpaqueTokenTheStoreDoesNotKnowGoesToTheOnlyIdentityUnlessStrict() {
        assertSame(alice, decide(List.of(alice), "Bearer some-static-token").entry);
        assertNull(IdentityPolicy.decide(List.of(alice), "Bearer some-static-token", true).entry);
        IdentityPolicy.Decision several = decide(List.of(alice, bob), "Bearer some-static-token");
        assertNull(several.entry, "with several identities an unknown token names none of them");
        assertTrue(several.whyNone.contains("alice") && several.whyNone.contains("bob"), several.whyNone);
    }

    @Test
    void noHeaderMeansTheOnlyIdentityAndNoneOfSeveral() {
        assertSame(alice, decide(List.of(alice), null).entry);
        assertNull(decide(List.of(alice, bob), null).entry);
    }

    @Test
    void anotherSchemeIsTheAppsOwnBusiness() {
        assertNull(decide(List.of(alice), "Basic dXNlcjpwdw==").entry);
        assertNull(decide(List.of(alice), "Bearer   ").entry);
    }

    @Test
    void anUnknownStoredSubjectNeverMatchesAJwt() {
        TokenRecord unknown = TokenRecord.builder(URL).accessToken("at").build();
        assertNull(decide(List.of(unknown), "Bearer " + Jwts.of(ISSUER, "alice")).entry);
        assertEquals("unknown identity", unknown.identity().label());
    }
}
