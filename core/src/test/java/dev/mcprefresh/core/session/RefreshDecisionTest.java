package dev.mcprefresh.core.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcprefresh.core.session.RefreshDecision.Verdict;
import dev.mcprefresh.core.store.TokenRecord;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** {@link RefreshDecision}: what a refresh does with the entry it finds in the store, under the lock. */
class RefreshDecisionTest {
    private static final String URL = "https://mcp.example/mcp";
    private static final String ISSUER = "https://as.example";
    private static final Instant T0 = Instant.parse("2026-11-30T00:00:00Z");
    private static final long T0_MS = T0.toEpochMilli();
    private static final Duration SKEW = Duration.ofSeconds(60);

    /** This JVM's record: refreshed at T0, a 1 h access token, a 4 s idle window (a test's), one grant. */
    private static TokenRecord mine() {
        return TokenRecord.builder(URL).issuer(ISSUER).subject("alice").clientId("c").accessToken("at-1")
                .refreshToken("rt-1").updatedAt(T0).expiresAt(T0.plusSeconds(3600)).build();
    }

    /** What another process stored after refreshing the same grant at {@code at}, with a {@code life} access token. */
    private static TokenRecord refreshedElsewhere(TokenRecord mine, Instant at, Duration life) {
        return mine.toBuilder().accessToken("at-2").refreshToken("rt-2").updatedAt(at).expiresAt(at.plus(life))
                .build();
    }

    private static Verdict decide(TokenRecord onDisk, TokenRecord mine, RefreshReason reason, long now) {
        return RefreshDecision.decide(onDisk, mine, reason, now, SKEW);
    }

    @Test
    void goneWhenTheEntryIsNoLongerStored() {
        for (RefreshReason reason : RefreshReason.values()) {
            assertEquals(Verdict.GONE, decide(null, mine(), reason, T0_MS));
        }
    }

    @Test
    void otherUserWhenTheEntryNowNamesSomeoneElse() {
        TokenRecord bobs = refreshedElsewhere(mine(), T0, Duration.ofHours(1)).toBuilder().subject("bob").build();
        for (RefreshReason reason : RefreshReason.values()) {
            assertEquals(Verdict.OTHER_USER, decide(bobs, mine(), reason, T0_MS));
        }
        TokenRecord otherIssuer = mine().toBuilder().issuer("https://other.example").build();
        assertEquals(Verdict.OTHER_USER, decide(otherIssuer, mine(), RefreshReason.NEEDED, T0_MS));
    }

    @Test
    void replacedWhenANewLoginMadeAnotherGrantForAnUnnamedUser() {
        TokenRecord unnamed = TokenRecord.builder(URL).clientId("c").accessToken("at-1").refreshToken("rt-1")
                .updatedAt(T0).expiresAt(T0.plusSeconds(3600)).newGrant().build();
        TokenRecord relogin = refreshedElsewhere(unnamed, T0, Duration.ofHours(1)).toBuilder().newGrant().build();
        for (RefreshReason reason : RefreshReason.values()) {
            assertEquals(Verdict.REPLACED, decide(relogin, unnamed, reason, T0_MS));
        }
        // The same named user's new login is taken up.
        TokenRecord named = mine().toBuilder().newGrant().build();
        TokenRecord namedRelogin = refreshedElsewhere(named, T0, Duration.ofHours(1)).toBuilder().newGrant().build();
        assertTrue(RefreshDecision.sameGrant(namedRelogin, named));
        assertEquals(Verdict.ADOPT, decide(namedRelogin, named, RefreshReason.NEEDED, T0_MS + 1000));
    }

    @Test
    void needsLoginWhenTheStoreMarksIt() {
        TokenRecord marked = mine().toBuilder().needsLogin(true, "invalid_grant").build();
        TokenRecord markedNewer = refreshedElsewhere(mine(), T0, Duration.ofHours(1)).toBuilder()
                .needsLogin(true, "invalid_grant").build();
        for (RefreshReason reason : RefreshReason.values()) {
            assertEquals(Verdict.NEEDS_LOGIN, decide(marked, mine(), reason, T0_MS));
            assertEquals(Verdict.NEEDS_LOGIN, decide(markedNewer, mine(), reason, T0_MS), "never adopted");
        }
    }

    @Test
    void refreshWhenTheStoreHoldsTheTokensThisJvmHas() {
        TokenRecord same = mine().toBuilder().updatedAt(T0.plusSeconds(1)).build();
        for (RefreshReason reason : RefreshReason.values()) {
            assertEquals(Verdict.REFRESH, decide(mine(), mine(), reason, T0_MS), reason.toString());
            assertEquals(Verdict.REFRESH, decide(same, mine(), reason, T0_MS), reason.toString());
        }
        // Even a keep-alive before its window's earliest point: it is this JVM's own record, not someone's refresh.
        TokenRecord windowed = mine().toBuilder().expiresAt(T0.plusMillis(750)).refreshExpiresAt(T0.plusSeconds(4))
                .build();
        assertEquals(Verdict.REFRESH, decide(windowed, windowed, RefreshReason.KEEP_ALIVE, T0_MS + 1000));
    }

    @Test
    void aRequestWaitingForATokenAdoptsOnlyAFreshOne() {
        TokenRecord stored = refreshedElsewhere(mine(), T0, Duration.ofSeconds(600));
        assertEquals(Verdict.ADOPT, decide(stored, mine(), RefreshReason.NEEDED, T0_MS + 10_000));
        // Past the first half of its life: a replay with it might die in flight.
        assertEquals(Verdict.REFRESH, decide(stored, mine(), RefreshReason.NEEDED, T0_MS + 301_000));
        assertEquals(Verdict.REFRESH, decide(stored, mine(), RefreshReason.NEEDED, T0_MS + 700_000), "expired");
        TokenRecord unknownExpiry = stored.toBuilder().expiresAt(null).build();
        assertEquals(Verdict.ADOPT, decide(unknownExpiry, mine(), RefreshReason.NEEDED, T0_MS + 10_000_000));
        TokenRecord noAccessToken = stored.toBuilder().accessToken(null).build();
        assertEquals(Verdict.REFRESH, decide(noAccessToken, mine(), RefreshReason.NEEDED, T0_MS));
        assertEquals(Verdict.REFRESH, decide(noAccessToken, mine(), RefreshReason.EARLY, T0_MS));
    }

    @Test
    void anEarlyRefreshAdoptsAnyTokenNotYetDue() {
        TokenRecord stored = refreshedElsewhere(mine(), T0, Duration.ofSeconds(600));
        // Refresh is due 60 s (the skew) before expiry: 540 s.
        assertEquals(Verdict.ADOPT, decide(stored, mine(), RefreshReason.EARLY, T0_MS + 400_000));
        assertEquals(Verdict.REFRESH, decide(stored, mine(), RefreshReason.NEEDED, T0_MS + 400_000),
                "the same token is too old for a waiting request");
        assertEquals(Verdict.REFRESH, decide(stored, mine(), RefreshReason.EARLY, T0_MS + 540_000));
    }

    @Test
    void aKeepAliveAdoptsARefreshMadeElsewhereBeforeItsEarliestPointEvenWithAnExpiredAccessToken() {
        // Another process kept the grant alive at T0+2 s: 4 s window, 1 s access token (expired by now).
        Instant elsewhere = T0.plusSeconds(2);
        TokenRecord stored = refreshedElsewhere(mine(), elsewhere, Duration.ofMillis(750)).toBuilder()
                .refreshExpiresAt(elsewhere.plusSeconds(4)).build();
        long now = elsewhere.toEpochMilli() + 1500; // the access token expired 0.75 s ago; earliest point is +2 s
        assertEquals(elsewhere.toEpochMilli() + 2000, KeepAlivePlan.earliestMillis(stored));
        assertFalse(new TokenState(stored, SKEW).usableAt(now));
        assertEquals(Verdict.ADOPT, decide(stored, mine(), RefreshReason.KEEP_ALIVE, now));
        assertEquals(Verdict.REFRESH, decide(stored, mine(), RefreshReason.NEEDED, now),
                "a waiting request never takes an expired token");
        assertEquals(Verdict.REFRESH, decide(stored, mine(), RefreshReason.EARLY, now));
    }

    @Test
    void aKeepAliveRefreshesOnceTheStoredRefreshsEarliestPointHasCome() {
        Instant elsewhere = T0.plusSeconds(2);
        TokenRecord stored = refreshedElsewhere(mine(), elsewhere, Duration.ofMillis(750)).toBuilder()
                .refreshExpiresAt(elsewhere.plusSeconds(4)).build();
        assertEquals(Verdict.REFRESH,
                decide(stored, mine(), RefreshReason.KEEP_ALIVE, elsewhere.toEpochMilli() + 2000));
        assertEquals(Verdict.REFRESH,
                decide(stored, mine(), RefreshReason.KEEP_ALIVE, elsewhere.toEpochMilli() + 3500));
    }

    @Test
    void aKeepAliveAdoptsAStoredRecordThatNeedsNoKeepAlive() {
        // Another process stored tokens with no known idle deadline: nothing to plan, so they are as good as any.
        TokenRecord stored = refreshedElsewhere(mine(), T0, Duration.ofMillis(750));
        assertEquals(KeepAlivePlan.NONE, KeepAlivePlan.earliestMillis(stored));
        assertEquals(Verdict.ADOPT, decide(stored, mine(), RefreshReason.KEEP_ALIVE, T0_MS + 100_000));
    }
}
