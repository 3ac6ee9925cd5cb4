package dev.mcprefresh.core.login;

import dev.mcprefresh.core.log.ServerText;
import dev.mcprefresh.core.json.Json;
import dev.mcprefresh.core.oauth.OAuthHttp;
import dev.mcprefresh.core.oauth.TokenEndpointClient;
import dev.mcprefresh.core.oauth.TokenEndpointException;
import dev.mcprefresh.core.oauth.TokenResponse;
import dev.mcprefresh.core.store.TokenRecord;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * RFC 8628 device authorization grant, for machines without a browser: ask for a user code, show where to enter
 * it, then poll the token endpoint at the server's interval (slower when told to) until the user approves, denies,
 * or the code expires.
 */
public final class DeviceAuthorization {
    static final String GRANT_TYPE = "urn:ietf:params:oauth:grant-type:device_code";

    /** What the user must do. */
    public static final class Prompt {
        public final String verificationUri;
        public final String verificationUriComplete;
        public final String userCode;

        Prompt(String verificationUri, String verificationUriComplete, String userCode) {
            this.verificationUri = verificationUri;
            this.verificationUriComplete = verificationUriComplete;
            this.userCode = userCode;
        }
    }

    private final OAuthHttp http;
    private final TokenEndpointClient tokens;

    public DeviceAuthorization(OAuthHttp http, TokenEndpointClient tokens) {
        this.http = http;
        this.tokens = tokens;
    }

    /** Runs the whole grant; {@code show} gets the user's instructions before polling starts. */
    public TokenResponse run(URI endpoint, TokenRecord client, String scope, Consumer<Prompt> show, Duration timeout)
            throws LoginException, InterruptedException {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("scope", scope);
        form.put("resource", client.resource());
        form.put("client_id", client.clientId());
        if (!TokenRecord.AUTH_NONE.equals(client.authMethod())) {
            form.put("client_secret", client.clientSecret()); // a confidential client authenticates here too (3.1)
        }
        Map<String, Object> answer = post(endpoint, form);
        String deviceCode = Json.string(answer, "device_code");
        String userCode = Json.string(answer, "user_code");
        String verification = Json.string(answer, "verification_uri");
        if (deviceCode == null || userCode == null || verification == null) {
            throw new LoginException("the device authorization endpoint's answer lacks device_code, user_code or"
                    + " verification_uri");
        }
        Long interval = Json.number(answer, "interval");
        Long expiresIn = Json.number(answer, "expires_in");
        show.accept(new Prompt(ServerText.safe(verification),
                Json.string(answer, "verification_uri_complete") == null ? null
                        : ServerText.safe(Json.string(answer, "verification_uri_complete")),
                ServerText.safe(userCode)));
        long pollMillis = Math.max(1, interval == null ? 5 : interval) * 1000;
        long deadline = System.nanoTime() + Math.min(timeout.toNanos(),
                Duration.ofSeconds(expiresIn == null || expiresIn <= 0 ? 600 : expiresIn).toNanos());
        Map<String, String> poll = new LinkedHashMap<>();
        poll.put("grant_type", GRANT_TYPE);
        poll.put("device_code", deviceCode);
        while (true) {
            Thread.sleep(pollMillis);
            try {
                return tokens.grant(client, poll);
            } catch (TokenEndpointException e) {
                if ("slow_down".equals(e.error())) {
                    pollMillis += 5000; // RFC 8628 3.5
                } else if (!"authorization_pending".equals(e.error())) {
                    throw new LoginException("the device login did not complete: " + e.getMessage());
                }
            }
            if (System.nanoTime() > deadline) {
                throw new LoginException("the device code expired before the login was approved; run login again");
            }
        }
    }

    private Map<String, Object> post(URI endpoint, Map<String, String> form) throws LoginException {
        OAuthHttp.Response r;
        try {
            r = http.postForm(endpoint, form, null);
        } catch (IOException e) {
            throw new LoginException("the device authorization endpoint is unreachable (" + e.getClass().getSimpleName()
                    + ")");
        }
        Map<String, Object> body;
        try {
            body = Json.parseObject(r.body);
        } catch (RuntimeException e) {
            throw new LoginException("the device authorization endpoint answered " + r.status + " with a body that is"
                    + " not a JSON object");
        }
        if (r.status != 200) {
            String error = Json.string(body, "error");
            throw new LoginException("the device authorization endpoint answered " + r.status
                    + (error != null ? " " + ServerText.safe(error) : ""));
        }
        return body;
    }
}
