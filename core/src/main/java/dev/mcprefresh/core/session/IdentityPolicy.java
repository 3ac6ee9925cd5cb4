package dev.mcprefresh.core.session;

import dev.mcprefresh.core.log.ServerText;
import dev.mcprefresh.core.oauth.JwtClaims;
import dev.mcprefresh.core.store.TokenFingerprint;
import dev.mcprefresh.core.store.TokenRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Which stored identity of a server a request belongs to, decided by the Authorization header the app itself set.
 * Pure: the stored identities and the header in, a decision out. The rules, and why:
 * <ul>
 *   <li>No header: the server's only identity (the app relies on the agent). With several, none: guessing could send
 *       one user's request as another.</li>
 *   <li>A token one entry issued or holds (its current token, or the fingerprint of one it held): that entry.</li>
 *   <li>A JWT: the identity whose issuer and subject match; none matching means a user the store does not hold,
 *       whose request is left exactly as the app built it.</li>
 *   <li>Any other token (opaque, not ours): the server's only identity, unless strict; with several, none.</li>
 *   <li>Another scheme than Bearer: none (the app authenticates in its own way).</li>
 * </ul>
 */
final class IdentityPolicy {
    private IdentityPolicy() {
    }

    /** The entry chosen (null: leave the request as the app built it) and, when none, why (null: nothing to say). */
    static final class Decision {
        final TokenRecord entry;
        final String whyNone;
        /** A stable key for saying the reason once per server, whatever the token. */
        final String reasonKey;

        private Decision(TokenRecord entry, String whyNone, String reasonKey) {
            this.entry = entry;
            this.whyNone = whyNone;
            this.reasonKey = reasonKey;
        }

        static Decision of(TokenRecord entry) {
            return new Decision(entry, null, null);
        }

        static Decision none(String reasonKey, String why) {
            return new Decision(null, why, reasonKey);
        }
    }

    static Decision decide(List<TokenRecord> identities, String appAuthorization, boolean strict) {
        if (identities.isEmpty()) {
            return Decision.none("gone", "the store no longer holds an entry for this server");
        }
        if (appAuthorization == null) {
            return identities.size() == 1 ? Decision.of(identities.get(0))
                    : Decision.none("several-no-header", "the store holds " + identities.size() + " identities for"
                            + " this server (" + labels(identities) + ") and the app's request names none");
        }
        String token = bearerToken(appAuthorization);
        if (token == null) {
            return Decision.none("scheme", "the app authenticates with another scheme than Bearer");
        }
        String fingerprint = TokenFingerprint.of(token);
        for (TokenRecord r : identities) {
            if (r.issued(token, fingerprint)) {
                return Decision.of(r);
            }
        }
        Map<String, Object> claims = JwtClaims.of(token);
        String subject = JwtClaims.string(claims, "sub");
        if (subject != null) {
            String issuer = JwtClaims.string(claims, "iss");
            List<TokenRecord> matching = new ArrayList<>();
            for (TokenRecord r : identities) {
                if (r.identity().matches(issuer, subject)) {
                    matching.add(r);
                }
            }
            if (matching.size() == 1) {
                return Decision.of(matching.get(0));
            }
            String who = "subject " + ServerText.safe(subject);
            return Decision.none("jwt:" + who, matching.isEmpty()
                    ? "the app's token is for " + who + ", which the store does not hold (it holds "
                            + labels(identities) + ")"
                    : "the app's token is for " + who + ", which " + matching.size() + " entries claim");
        }
        if (strict) {
            return Decision.none("opaque-strict", "the app's token is not one the store issued, and "
                    + "mcp.refresh.identity=strict leaves such tokens alone");
        }
        return identities.size() == 1 ? Decision.of(identities.get(0))
                : Decision.none("opaque-several", "the app's token is not one the store issued, and the store holds "
                        + identities.size() + " identities for this server (" + labels(identities) + ")");
    }

    /** The token of a {@code Bearer} header value, or null for another scheme. */
    static String bearerToken(String authorization) {
        String v = authorization.trim();
        if (v.length() < 7 || !v.substring(0, 7).toLowerCase(Locale.ROOT).equals("bearer ")) {
            return null;
        }
        String token = v.substring(7).trim();
        return token.isEmpty() ? null : token;
    }

    private static String labels(List<TokenRecord> identities) {
        StringBuilder b = new StringBuilder();
        for (TokenRecord r : identities) {
            b.append(b.length() == 0 ? "" : ", ").append(r.identity().label());
        }
        return b.toString();
    }
}
