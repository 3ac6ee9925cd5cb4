package dev.mcprefresh.core.oauth;

import dev.mcprefresh.core.json.Json;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A private_key_jwt client assertion (RFC 7523 section 2.2 and 3, OpenID Connect Core section 9): a JWT the client
 * signs with its own key in place of a client secret, sent as {@code client_assertion} with
 * {@code client_assertion_type} = {@link #TYPE}.
 *
 * <p>The audience is the caller's choice. The token endpoint URL is the value every server accepts (OIDC Core
 * section 9 asks for it; RFC 7523 section 3 allows it); many servers also accept their issuer identifier.
 */
public final class ClientAssertion {
    public static final String TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
    /** Short, since the assertion is made fresh for each token request: a leaked one is soon useless. */
    static final long LIFETIME_SECONDS = 60;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    private ClientAssertion() {
    }

    /** A signed compact JWS (RFC 7515 section 7.1): {@code clientId} to {@code audience}, issued at {@code now}. */
    public static String create(SigningKey key, String clientId, String audience, Instant now) {
        Objects.requireNonNull(key, "key");
        requireText(clientId, "clientId");
        requireText(audience, "audience");
        long iat = now.getEpochSecond();

        Map<String, Object> header = new LinkedHashMap<>();
        header.put("alg", key.alg());
        header.put("typ", "JWT");
        if (key.keyId() != null) {
            header.put("kid", key.keyId());
        }
        // RFC 7523 section 3: iss and sub are the client id (OIDC Core section 9 too); aud names the server; exp
        // bounds it; jti lets the server refuse a replay (OIDC Core section 9 requires it).
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", clientId);
        claims.put("sub", clientId);
        claims.put("aud", audience);
        claims.put("jti", jti());
        claims.put("iat", iat);
        // No nbf: a server whose clock runs a little behind ours would refuse an assertion "not yet valid".
        claims.put("exp", iat + LIFETIME_SECONDS);

        String signingInput = BASE64URL.encodeToString(Json.writeCompact(header)) + "."
                + BASE64URL.encodeToString(Json.writeCompact(claims));
        byte[] signature = key.sign(signingInput.getBytes(StandardCharsets.US_ASCII));
        return signingInput + "." + BASE64URL.encodeToString(signature);
    }

    /** 128 random bits: a collision between two assertions of one client is out of reach. */
    private static String jti() {
        byte[] raw = new byte[16];
        RANDOM.nextBytes(raw);
        return BASE64URL.encodeToString(raw);
    }

    private static void requireText(String value, String name) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException(name + " is missing");
        }
    }
}
