package dev.mcprefresh.core.doctor;

import dev.mcprefresh.core.doctor.Finding.Level;
import dev.mcprefresh.core.oauth.KeyFileException;
import dev.mcprefresh.core.oauth.SigningKey;
import dev.mcprefresh.core.store.ClientKey;
import dev.mcprefresh.core.store.TokenRecord;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** What the stored entry tells, before any token request: is there something the agent can renew with. */
public final class StoredChecks {
    private StoredChecks() {
    }

    public static List<Finding> of(TokenRecord r, Instant now) {
        List<Finding> f = new ArrayList<>();
        if (r == null) {
            f.add(new Finding("stored credential", Level.WARN, "none for this URL",
                    "java -jar mcp-refresh.jar login <mcp-url> (or add, with a refresh token you have)"));
        } else if (r.needsLogin()) {
            f.add(new Finding("stored credential", Level.FAIL, "marked as needing a new login: " + r.needsLoginReason(),
                    "java -jar mcp-refresh.jar login " + r.serverUrl()));
        } else if (r.clientCredentials() && r.clientKey() == null && r.clientSecret() == null) {
            f.add(new Finding("stored credential", Level.FAIL, "service account " + r.clientId() + " has neither a client"
                    + " secret nor a private key to mint with", "java -jar mcp-refresh.jar add " + r.serverUrl()
                    + " --grant client_credentials --client-id " + r.clientId() + " --client-secret-file F (or"
                    + " --private-key-file KEY.pem)"));
        } else if (r.clientCredentials()) {
            f.add(Finding.ok("stored credential", "service account: client " + r.clientId() + " mints its tokens with"
                    + " its " + (r.clientKey() != null ? "private key (private_key_jwt)" : "client secret ("
                            + r.authMethod() + ")") + "; no refresh token needed"));
        } else if (r.refreshToken() == null) {
            f.add(new Finding("stored credential", Level.FAIL, "no refresh token: the access token cannot be renewed",
                    "make the server issue refresh tokens (offline_access, refresh_token grant), then log in again"));
        } else if (r.refreshExpiresAt() != null && r.refreshExpiresAt().isBefore(now)) {
            f.add(new Finding("stored credential", Level.FAIL, "the refresh token expired at " + r.refreshExpiresAt(),
                    "log in again; on the server, give refresh tokens a life of days, not minutes"));
        } else {
            f.add(Finding.ok("stored credential", "client " + r.clientId() + ", refresh token present"
                    + (r.refreshExpiresAt() != null ? " until " + r.refreshExpiresAt() : "")));
        }
        if (r != null && r.clientKey() != null) {
            f.add(clientKey(r.clientKey(), f));
        }
        return f;
    }

    /** The private key is read as the agent will read it; loose permissions are a warning of their own. */
    private static Finding clientKey(ClientKey key, List<Finding> f) {
        try {
            SigningKey k = SigningKey.load(Path.of(key.file()), key.algorithm(), key.keyId(),
                    warning -> f.add(new Finding("private key file permissions", Level.WARN, warning,
                            "chmod 600 " + key.file())));
            return Finding.ok("private key", k.alg() + (k.keyId() != null ? ", kid " + k.keyId() : "") + ", from "
                    + key.file());
        } catch (KeyFileException e) {
            return new Finding("private key", Level.FAIL, e.getMessage(), "store a usable key: add … --private-key-file"
                    + " KEY.pem (unencrypted PKCS#8 PEM, RSA 2048+ or EC P-256, mode 0600)");
        }
    }
}
