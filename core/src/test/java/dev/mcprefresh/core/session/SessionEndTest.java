package dev.mcprefresh.core.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcprefresh.core.LogCapture;
import dev.mcprefresh.core.log.Log;
import dev.mcprefresh.core.store.TokenRecord;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link SessionEnd}: learning a grant's fixed end from refreshes; {@link SessionEndNotice}: saying it once. */
class SessionEndTest {
    private static final String URL = "https://mcp.example/mcp";
    private static final Instant T0 = Instant.parse("2026-11-30T00:00:00Z");

    /** Refreshed at {@code updatedAt}; the server said the refresh token ends at {@code refreshEndsAt}. */
    private static TokenRecord refreshed(Instant updatedAt, Instant refreshEndsAt, String refreshToken) {
        return TokenRecord.builder(URL).clientId("c").accessToken("at-" + refreshToken).refreshToken(refreshToken)
                .expiresAt(updatedAt.plusSeconds(60)).updatedAt(updatedAt).refreshExpiresAt(refreshEndsAt).build();
    }

    @Test
    void aSlidingDeadlineIsNoFixedEnd() {
        TokenRecord before = refreshed(T0, T0.plusSeconds(1800), "rt-1");
        TokenRecord after = refreshed(T0.plusSeconds(600), T0.plusSeconds(2400), "rt-2");
        assertNull(SessionEnd.learn(before, after).sessionEndsAt());
    }

    @Test
    void aDeadlineThatDidNotMoveAfterFourSecondsOrMoreIsTheGrantsEnd() {
        TokenRecord before = refreshed(T0, T0.plusSeconds(1800), "rt-1");
        TokenRecord exactlyFour = refreshed(T0.plusMillis(4000), T0.plusSeconds(1800), "rt-2");
        assertEquals(T0.plusSeconds(1800), SessionEnd.learn(before, exactlyFour).sessionEndsAt());
        TokenRecord muchLater = refreshed(T0.plusSeconds(900), T0.plusSeconds(1800), "rt-2");
        TokenRecord learned = SessionEnd.learn(before, muchLater);
        assertEquals(T0.plusSeconds(1800), learned.sessionEndsAt());
        assertEquals("rt-2", learned.refreshToken(), "everything else is the refresh's answer");
        // A server counting in whole seconds may move the same end by a second.
        TokenRecord roundedUp = refreshed(T0.plusSeconds(900), T0.plusSeconds(1801), "rt-2");
        assertEquals(T0.plusSeconds(1801), SessionEnd.learn(before, roundedUp).sessionEndsAt());
    }

    @Test
    void aDeadlineThatMovedByLessThanTheTimeBetweenTheRefreshesButMoreThanRoundingIsNotLearned() {
        TokenRecord before = refreshed(T0, T0.plusSeconds(1800), "rt-1");
        TokenRecord moved = refreshed(T0.plusSeconds(600), T0.plusSeconds(1810), "rt-2");
        assertNull(SessionEnd.learn(before, moved).sessionEndsAt());
    }

    @Test
    void twoRefreshesUnderFourSecondsApartLearnNothing() {
        TokenRecord before = refreshed(T0, T0.plusSeconds(1800), "rt-1");
        TokenRecord after = refreshed(T0.plusMillis(3999), T0.plusSeconds(1800), "rt-2");
        assertNull(SessionEnd.learn(before, after).sessionEndsAt());
        TokenRecord unknownTime = refreshed(T0, T0.plusSeconds(1800), "rt-1").toBuilder().updatedAt(null).build();
        assertNull(SessionEnd.learn(unknownTime, refreshed(T0.plusSeconds(600), T0.plusSeconds(1800), "rt-2"))
                .sessionEndsAt(), "no last refresh: no elapsed time to tell by");
    }

    @Test
    void theRefreshTokensJwtExpTeachesTheSame() {
        // Okta-style: each rotated refresh token carries the same exp.
        String first = KeepAlivePlanTest.jwtWithExp(T0.plusSeconds(3600));
        String second = KeepAlivePlanTest.jwtWithExp(T0.plusSeconds(3600)) + "x";
        TokenRecord before = refreshed(T0, null, first);
        TokenRecord after = refreshed(T0.plusSeconds(60), null, second);
        assertEquals(RefreshDeadline.Source.JWT, RefreshDeadline.of(after).source());
        assertEquals(T0.plusSeconds(3600), SessionEnd.learn(before, after).sessionEndsAt());
    }

    @Test
    void aLaterDeadlineClearsAStoredEnd() {
        TokenRecord before = refreshed(T0, T0.plusSeconds(1800), "rt-1").toBuilder()
                .sessionEndsAt(T0.plusSeconds(1800)).build();
        // The refresh carries the stored end along (toBuilder of the stored record); the server now says later.
        TokenRecord after = refreshed(T0.plusSeconds(600), T0.plusSeconds(2400), "rt-2").toBuilder()
                .sessionEndsAt(T0.plusSeconds(1800)).build();
        assertNull(SessionEnd.learn(before, after).sessionEndsAt());
        TokenRecord same = refreshed(T0.plusSeconds(600), T0.plusSeconds(1801), "rt-2").toBuilder()
                .sessionEndsAt(T0.plusSeconds(1800)).build();
        assertEquals(T0.plusSeconds(1800), SessionEnd.learn(before, same).sessionEndsAt(),
                "a second later is rounding, not a disproof");
    }

    @Test
    void aStoredIdleLifetimeNeverTeachesAnEnd() {
        // Before: the server stated the end; after: it no longer does, and the stored idle lifetime (counted from
        // the refresh) happens to land on the same instant. That is the user's guess, not the server's word.
        TokenRecord before = refreshed(T0, T0.plusSeconds(610), "rt-1").toBuilder().refreshIdleSeconds(600L).build();
        TokenRecord after = refreshed(T0.plusSeconds(10), null, "rt-2").toBuilder().refreshIdleSeconds(600L).build();
        assertEquals(RefreshDeadline.Source.STORED_IDLE, RefreshDeadline.of(after).source());
        assertEquals(RefreshDeadline.of(before).at(), RefreshDeadline.of(after).at());
        assertNull(SessionEnd.learn(before, after).sessionEndsAt());
        // Nor does a stored idle lifetime before a server-stated end that did not move.
        TokenRecord idleBefore = refreshed(T0, null, "rt-1").toBuilder().refreshIdleSeconds(610L).build();
        TokenRecord statedAfter = refreshed(T0.plusSeconds(10), T0.plusSeconds(610), "rt-2");
        assertNull(SessionEnd.learn(idleBefore, statedAfter).sessionEndsAt());
    }

    @Test
    void noDeadlineNoLearning() {
        TokenRecord before = refreshed(T0, null, "rt-1");
        TokenRecord after = refreshed(T0.plusSeconds(600), null, "rt-2");
        assertNull(SessionEnd.learn(before, after).sessionEndsAt());
    }

    // ---- SessionEndNotice ----

    @Test
    void anEndWithinTheLeadIsSaidOnceWithTheLoginCommand() {
        long now = T0.toEpochMilli();
        TokenRecord r = refreshed(T0, T0.plusSeconds(60), "rt-1").toBuilder().sessionEndsAt(T0.plusSeconds(1800))
                .build();
        SessionEndNotice notice = new SessionEndNotice(URL);
        try (LogCapture log = new LogCapture(Log.Level.DEBUG)) {
            assertEquals(KeepAlivePlan.NONE, notice.warnAtMillis(r, now));
            assertEquals(KeepAlivePlan.NONE, notice.warnAtMillis(r, now + 60_000));
            assertEquals(KeepAlivePlan.NONE, notice.warnAtMillis(r.toBuilder().accessToken("at-2").build(), now + 1000));
            List<String> warns = log.lines("WARN");
            assertEquals(1, warns.size(), log.text());
            assertEquals(1, log.lines().size(), log.text());
            String line = warns.get(0);
            assertTrue(line.contains("java -jar mcp-refresh.jar login " + URL), line);
            assertTrue(line.contains(T0.plusSeconds(1800).toString()), line);
            assertTrue(line.contains("in 30 min"), line);
            assertFalse(line.contains("rt-1") || line.contains("at-rt-1"), line);
        }
    }

    @Test
    void anEndFurtherAwayIsSaidAtTheLeadAndANewEndIsSaidAgain() {
        long now = T0.toEpochMilli();
        Instant end = T0.plusSeconds(7200);
        TokenRecord r = refreshed(T0, T0.plusSeconds(60), "rt-1").toBuilder().sessionEndsAt(end).build();
        SessionEndNotice notice = new SessionEndNotice(URL);
        try (LogCapture log = new LogCapture(Log.Level.INFO)) {
            assertEquals(end.toEpochMilli() - SessionEndNotice.LEAD_MILLIS, notice.warnAtMillis(r, now));
            assertTrue(log.lines().isEmpty(), log.text());
            long due = end.toEpochMilli() - SessionEndNotice.LEAD_MILLIS;
            assertEquals(KeepAlivePlan.NONE, notice.warnAtMillis(r, due));
            assertEquals(1, log.lines("WARN").size(), log.text());
            // A new login's grant with its own end is said again.
            Instant newEnd = end.plusSeconds(600);
            assertEquals(KeepAlivePlan.NONE, notice.warnAtMillis(r.toBuilder().sessionEndsAt(newEnd).build(),
                    newEnd.toEpochMilli() - 90_000));
            assertEquals(2, log.lines("WARN").size(), log.text());
            assertTrue(log.lines("WARN").get(1).contains("in 90 s"), log.text());
        }
    }

    @Test
    void nothingIsSaidWithoutAnEndAfterItOrWhenALoginIsNeeded() {
        long now = T0.toEpochMilli();
        TokenRecord r = refreshed(T0, T0.plusSeconds(60), "rt-1");
        SessionEndNotice notice = new SessionEndNotice(URL);
        try (LogCapture log = new LogCapture(Log.Level.DEBUG)) {
            assertEquals(KeepAlivePlan.NONE, notice.warnAtMillis(r, now));
            TokenRecord ended = r.toBuilder().sessionEndsAt(T0.minusSeconds(1)).build();
            assertEquals(KeepAlivePlan.NONE, notice.warnAtMillis(ended, now));
            TokenRecord dead = r.toBuilder().sessionEndsAt(T0.plusSeconds(60)).needsLogin(true, "x").build();
            assertEquals(KeepAlivePlan.NONE, notice.warnAtMillis(dead, now));
            assertTrue(log.lines().isEmpty(), log.text());
        }
    }

    /** A server that states refresh_expires_in at login only, and does not rotate: the kept end says nothing. */
    @org.junit.jupiter.api.Test
    void anEndCarriedOverFromAnEarlierResponseTeachesNothing() {
        TokenRecord before = TokenRecord.builder("https://mcp.example/mcp").refreshToken("rt-1")
                .refreshExpiresAt(T0.plusSeconds(1800)).updatedAt(T0).build();
        TokenRecord after = before.toBuilder().updatedAt(T0.plusSeconds(600)).build();
        assertNull(SessionEnd.learn(before, after).sessionEndsAt());
    }
}
