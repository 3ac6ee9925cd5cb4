package dev.mcprefresh.core.login;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/** RFC 7636 proof key: a 256-bit random verifier and its S256 challenge (the only method mcp-refresh uses). */
public final class Pkce {
    private static final SecureRandom RANDOM = new SecureRandom();

    public final String verifier;
    public final String challenge;

    private Pkce(String verifier) {
        this.verifier = verifier;
        this.challenge = s256(verifier);
    }

    public static Pkce create() {
        return new Pkce(randomToken());
    }

    /** 32 random bytes, base64url without padding: for the verifier and the state. */
    public static String randomToken() {
        byte[] raw = new byte[32];
        RANDOM.nextBytes(raw);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    }

    static String s256(String verifier) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }
}
