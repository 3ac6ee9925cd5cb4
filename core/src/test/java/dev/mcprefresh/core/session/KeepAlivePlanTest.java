package dev.mcprefresh.core.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcprefresh.core.store.TokenRecord;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** {@link RefreshDeadline} (where the idle window ends) and {@link KeepAlivePlan} (when to refresh inside it). */
class KeepAlivePlanTest {
    private static final String URL = "https://mcp.example/mcp";
    private static final Instant T0 = Instant.parse("2026-11-30T00:00:00Z");
    private static final long T0_MS = T0.toEpochMilli();
    /** Just below 1: the top of the random range [0, 1). */
    private static final double ALMOST_ONE = Math.nextDown(1.0);

    /** An unsigned JWT-shaped refresh token whose payload states {@code exp}. */
    static String jwtWithExp(Instant exp) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        return b64.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(("{\"sub\":\"u\",\"exp\":" + exp.getEpochSecond() + "}")
                        .getBytes(StandardCharsets.UTF_8))
                + ".c2ln";
    }

    /** Refreshed at T0, access token for {@code accessSeconds}, refresh token good until T0 + {@code windowSeconds}. */
    private static TokenRecord.Builder record(long accessSeconds, long windowSeconds) {
        return TokenRecord.builder(URL).clientId("c").accessToken("at").refreshToken("rt").updatedAt(T0)
                .expiresAt(T0.plusSeconds(accessSeconds)).refreshExpiresAt(T0.plusSeconds(windowSeconds));
    }

    // ---- RefreshDeadline ----

    @Test
    void theServersRefreshExpiresAtComesFirst() {
        TokenRecord r = TokenRecord.builder(URL).refreshToken(jwtWithExp(T0.plusSeconds(7200))).updatedAt(T0)
                .refreshExpiresAt(T0.plusSeconds(1800)).refreshIdleSeconds(600L).build();
        RefreshDeadline d = RefreshDeadline.of(r);
        assertEquals(T0.plusSeconds(1800), d.at());
        assertEquals(RefreshDeadline.Source.SERVER, d.source());
        assertTrue(d.statedByServer());
    }

    @Test
    void withoutItTheRefreshTokensJwtExpComesNext() {
        TokenRecord r = TokenRecord.builder(URL).refreshToken(jwtWithExp(T0.plusSeconds(7200))).updatedAt(T0)
                .refreshIdleSeconds(600L).build();
        RefreshDeadline d = RefreshDeadline.of(r);
        assertEquals(T0.plusSeconds(7200), d.at());
        assertEquals(RefreshDeadline.Source.JWT, d.source());
        assertTrue(d.statedByServer(), "a JWT's exp is stated anew with each token");
    }

    @Test
    void thenTheStoredIdleLifetimeCountedFromTheLastRefresh() {
        TokenRecord r = TokenRecord.builder(URL).refreshToken("opaque-rt").updatedAt(T0).refreshIdleSeconds(600L)
                .build();
        RefreshDeadline d = RefreshDeadline.of(r);
        assertEquals(T0.plusSeconds(600), d.at());
        assertEquals(RefreshDeadline.Source.STORED_IDLE, d.source());
        assertFalse(d.statedByServer());
        assertNull(RefreshDeadline.of(r.toBuilder().updatedAt(null).build()),
                "an idle lifetime without a last refresh to count from is no deadline");
    }

    @Test
    void noneWhenNothingIsKnownOrThereIsNoRefreshToken() {
        assertNull(RefreshDeadline.of(TokenRecord.builder(URL).refreshToken("opaque-rt").updatedAt(T0).build()));
        assertNull(RefreshDeadline.of(TokenRecord.builder(URL).updatedAt(T0).refreshExpiresAt(T0.plusSeconds(60))
                .refreshIdleSeconds(600L).build()), "no refresh token: nothing to keep alive");
        assertEquals(KeepAlivePlan.NONE, KeepAlivePlan.nextMillis(
                record(1, 60).refreshToken(null).build(), T0_MS, 0));
    }

    // ---- KeepAlivePlan ----

    @Test
    void thePlannedPointIsBetweenHalfAndThreeQuartersOfTheWindow() {
        TokenRecord r = record(60, 1000).build();
        assertEquals(T0_MS + 500_000, KeepAlivePlan.nextMillis(r, T0_MS, 0));
        assertEquals(T0_MS + 625_000, KeepAlivePlan.nextMillis(r, T0_MS, 0.5));
        long top = KeepAlivePlan.nextMillis(r, T0_MS, ALMOST_ONE);
        assertTrue(top <= T0_MS + 750_000 && top >= T0_MS + 749_999, "random near 1: 75 % of the window, " + top);
        for (int i = 0; i < 200; i++) {
            double random = Math.random();
            long at = KeepAlivePlan.nextMillis(r, T0_MS + 10_000, random);
            assertTrue(at >= T0_MS + 500_000 && at <= T0_MS + 750_000, random + " -> " + at);
        }
    }

    @Test
    void theWindowIsCountedFromTheLastRefreshNotFromNow() {
        TokenRecord r = record(60, 1000).build();
        assertEquals(T0_MS + 500_000, KeepAlivePlan.nextMillis(r, T0_MS + 300_000, 0),
                "planning later does not move the point");
    }

    @Test
    void neverSoonerThanOneAccessTokenLifeAfterTheLastRefresh() {
        // 600 s access token in a 1000 s window: 50 % (500 s) would refresh a token that is still valid.
        assertEquals(T0_MS + 600_000, KeepAlivePlan.nextMillis(record(600, 1000).build(), T0_MS, 0));
        assertEquals(T0_MS + 687_500, KeepAlivePlan.nextMillis(record(600, 1000).build(), T0_MS, 0.75),
                "a later random point still stands");
    }

    @Test
    void neverSoonerThanASecondAfterTheLastRefresh() {
        // A 1.5 s window with an already expired access token: 50 % would be 0.75 s.
        TokenRecord r = record(0, 0).expiresAt(T0.minusSeconds(5)).refreshExpiresAt(T0.plusMillis(1500)).build();
        assertEquals(T0_MS + 1000, KeepAlivePlan.nextMillis(r, T0_MS, 0));
        TokenRecord unknownExpiry = r.toBuilder().expiresAt(null).build();
        assertEquals(T0_MS + 1000, KeepAlivePlan.nextMillis(unknownExpiry, T0_MS, 0));
        // A 1 s window: the second is the window's end, so there is no point left.
        TokenRecord tiny = r.toBuilder().refreshExpiresAt(T0.plusMillis(1000)).build();
        assertEquals(KeepAlivePlan.NONE, KeepAlivePlan.nextMillis(tiny, T0_MS, 0));
    }

    @Test
    void noneWhenTheAccessTokenOutlivesTheWindow() {
        assertEquals(KeepAlivePlan.NONE, KeepAlivePlan.nextMillis(record(1000, 1000).build(), T0_MS, 0));
        assertEquals(KeepAlivePlan.NONE, KeepAlivePlan.nextMillis(record(3600, 1000).build(), T0_MS, 0));
        assertNotEquals(KeepAlivePlan.NONE, KeepAlivePlan.nextMillis(record(999, 1000).build(), T0_MS, 0));
    }

    @Test
    void noneWhenTheWindowHasPassed() {
        TokenRecord r = record(60, 1000).build();
        assertEquals(KeepAlivePlan.NONE, KeepAlivePlan.nextMillis(r, T0_MS + 1_000_000, 0));
        assertEquals(KeepAlivePlan.NONE, KeepAlivePlan.nextMillis(r, T0_MS + 5_000_000, 0));
        TokenRecord endedBeforeTheRefresh = record(60, 0).refreshExpiresAt(T0.minusSeconds(10)).build();
        assertEquals(KeepAlivePlan.NONE, KeepAlivePlan.nextMillis(endedBeforeTheRefresh, T0_MS - 20_000, 0));
    }

    @Test
    void noneWhenALoginIsNeeded() {
        assertEquals(KeepAlivePlan.NONE,
                KeepAlivePlan.nextMillis(record(60, 1000).needsLogin(true, "invalid_grant").build(), T0_MS, 0));
        assertEquals(KeepAlivePlan.NONE,
                KeepAlivePlan.earliestMillis(record(60, 1000).needsLogin(true, "invalid_grant").build()));
    }

    @Test
    void noneWithoutALastRefreshToCountFrom() {
        assertEquals(KeepAlivePlan.NONE, KeepAlivePlan.nextMillis(record(60, 1000).updatedAt(null).build(), T0_MS, 0));
    }

    @Test
    void noneWhenTheDeadlineIsTheGrantsStoredFixedEnd() {
        TokenRecord atTheEnd = record(60, 1000).sessionEndsAt(T0.plusSeconds(1000)).build();
        assertEquals(KeepAlivePlan.NONE, KeepAlivePlan.nextMillis(atTheEnd, T0_MS, 0));
        TokenRecord withinASecond = record(60, 1000).sessionEndsAt(T0.plusMillis(1_000_900)).build();
        assertEquals(KeepAlivePlan.NONE, KeepAlivePlan.nextMillis(withinASecond, T0_MS, 0),
                "a server counting in whole seconds may state the end a little before the session's");
        assertNull(KeepAlivePlan.rangeMillis(atTheEnd, T0_MS));
        assertTrue(KeepAlivePlan.whyNone(atTheEnd).contains("no refresh can move"), KeepAlivePlan.whyNone(atTheEnd));
        // A fixed end well after this token's idle deadline: the window still slides until then.
        TokenRecord later = record(60, 1000).sessionEndsAt(T0.plusSeconds(86_400)).build();
        assertEquals(T0_MS + 500_000, KeepAlivePlan.nextMillis(later, T0_MS, 0));
    }

    @Test
    void anOverduePointIsNow() {
        TokenRecord r = record(60, 1000).build();
        long now = T0_MS + 800_000; // past 75 %, before the end
        assertEquals(now, KeepAlivePlan.nextMillis(r, now, 0));
        assertEquals(now, KeepAlivePlan.nextMillis(r, now, ALMOST_ONE));
        long between = T0_MS + 600_000; // past 50 %, before the drawn point
        assertEquals(T0_MS + 687_500, KeepAlivePlan.nextMillis(r, between, 0.75));
        assertEquals(between, KeepAlivePlan.nextMillis(r, between, 0));
    }

    @Test
    void earliestIsHalfTheWindowWhateverTheTime() {
        assertEquals(T0_MS + 500_000, KeepAlivePlan.earliestMillis(record(60, 1000).build()));
        assertEquals(T0_MS + 600_000, KeepAlivePlan.earliestMillis(record(600, 1000).build()),
                "also never before one access-token life");
        TokenRecord r = record(60, 1000).build();
        long whenOverdue = KeepAlivePlan.nextMillis(r, T0_MS + 900_000, 0);
        assertEquals(T0_MS + 900_000, whenOverdue);
        assertEquals(T0_MS + 500_000, KeepAlivePlan.earliestMillis(r), "not moved to now");
        assertEquals(KeepAlivePlan.NONE, KeepAlivePlan.earliestMillis(record(60, 60).build()));
    }

    @Test
    void rangeIsFromHalfToThreeQuarters() {
        assertArrayEquals(new long[] {T0_MS + 500_000, T0_MS + 750_000},
                KeepAlivePlan.rangeMillis(record(60, 1000).build(), T0_MS));
        assertArrayEquals(new long[] {T0_MS + 600_000, T0_MS + 750_000},
                KeepAlivePlan.rangeMillis(record(600, 1000).build(), T0_MS));
        long overdue = T0_MS + 800_000;
        assertArrayEquals(new long[] {overdue, overdue}, KeepAlivePlan.rangeMillis(record(60, 1000).build(), overdue));
        assertNull(KeepAlivePlan.rangeMillis(record(60, 1000).build(), T0_MS + 1_000_000));
        assertNull(KeepAlivePlan.rangeMillis(record(3600, 1000).build(), T0_MS));
        assertNull(KeepAlivePlan.rangeMillis(TokenRecord.builder(URL).refreshToken("rt").updatedAt(T0).build(), T0_MS));
    }

    @Test
    void eachReasonForNoKeepAliveIsToldApart() {
        String login = KeepAlivePlan.whyNone(record(60, 1000).needsLogin(true, "x").build());
        String unknown = KeepAlivePlan.whyNone(TokenRecord.builder(URL).refreshToken("rt").updatedAt(T0).build());
        String fixed = KeepAlivePlan.whyNone(record(60, 1000).sessionEndsAt(T0.plusSeconds(1000)).build());
        String outlives = KeepAlivePlan.whyNone(record(3600, 1000).build());
        assertTrue(login.contains("login"), login);
        assertTrue(unknown.contains("--refresh-idle"), unknown);
        assertTrue(fixed.contains(T0.plusSeconds(1000).toString()), fixed);
        assertTrue(outlives.contains("access token"), outlives);
    }
}
