package dev.mcprefresh.core.session;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Unsigned JWT-shaped tokens for tests: the agent reads their claims only as hints, never as proof. */
final class Jwts {
    private Jwts() {
    }

    static String of(String issuer, String subject) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String header = b64.encodeToString("{\"alg\":\"RS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        String payload = b64.encodeToString(("{\"iss\":\"" + issuer + "\",\"sub\":\"" + subject
                + "\",\"exp\":4102444800}").getBytes(StandardCharsets.UTF_8));
        return header + "." + payload + ".c2lnbmF0dXJl";
    }
}
