package dev.mcprefresh.core.oauth;

import dev.mcprefresh.core.oauth.TokenEndpointException.Failure;
import dev.mcprefresh.core.store.ClientKey;
import dev.mcprefresh.core.store.TokenRecord;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * How the client proves itself at the token endpoint (RFC 6749 2.3, RFC 7523 2.2): nothing but its id, its secret in a
 * Basic header or the form, or an assertion signed with its private key.
 */
final class ClientAuthentication {
    private final Clock clock;
    private final Consumer<String> warn;
    /** Key files already warned about (group- or world-readable): said once per process, not per token request. */
    private final Set<String> keyWarnings = ConcurrentHashMap.newKeySet();

    ClientAuthentication(Clock clock, Consumer<String> warn) {
        this.clock = clock;
        this.warn = warn;
    }

    /** Adds the client's credentials to the form, or returns the Basic header that carries them. */
    String apply(TokenRecord client, Map<String, String> form) throws TokenEndpointException {
        switch (client.authMethod()) {
            case TokenRecord.AUTH_PRIVATE_KEY_JWT:
                form.put("client_id", client.clientId());
                form.put("client_assertion_type", ClientAssertion.TYPE);
                form.put("client_assertion", assertion(client));
                return null;
            case TokenRecord.AUTH_BASIC:
                // RFC 6749 2.3.1: id and secret are form-url-encoded before Base64.
                String pair = OAuthHttp.urlEncode(client.clientId()) + ":" + OAuthHttp.urlEncode(secret(client));
                return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
            case TokenRecord.AUTH_POST:
                form.put("client_id", client.clientId());
                form.put("client_secret", secret(client));
                return null;
            default:
                form.put("client_id", client.clientId());
                return null;
        }
    }

    /**
     * A fresh assertion for one request, signed with the key read from its file now: a key replaced on disk is used
     * from the next request on, and no key stays in memory between token requests.
     */
    private String assertion(TokenRecord client) throws TokenEndpointException {
        ClientKey key = client.clientKey();
        if (key == null) {
            throw new TokenEndpointException("token_endpoint_auth_method is private_key_jwt but no client key file is"
                    + " stored", Failure.CONFIGURATION, null);
        }
        try {
            SigningKey signing = SigningKey.load(java.nio.file.Path.of(key.file()), key.algorithm(), key.keyId(),
                    line -> {
                        if (keyWarnings.add(key.file())) {
                            warn.accept(line);
                        }
                    });
            String audience = audience(client, key);
            return ClientAssertion.create(signing, client.clientId(), audience, clock.instant());
        } catch (KeyFileException e) {
            throw new TokenEndpointException("the client's private key cannot be used: " + e.getMessage(),
                    Failure.CONFIGURATION, null);
        } catch (IllegalArgumentException e) { // an empty client id, a key path or an audience that is no path or URL
            throw new TokenEndpointException("no client assertion can be made from the stored client (" + e.getClass()
                    .getSimpleName() + "): check its client_id, key file and assertion audience", Failure.CONFIGURATION,
                    null);
        }
    }

    /**
     * Who the assertion is for: the token endpoint it is sent to, or a stored audience on that endpoint's own server
     * (its issuer, where the server wants that). Never another server's: an assertion is a credential for its audience,
     * and an entry whose token endpoint was changed must not make one that the real server would take.
     */
    private static String audience(TokenRecord client, ClientKey key)
            throws TokenEndpointException {
        String endpoint = client.tokenEndpoint();
        String stored = key.audience();
        if (stored == null || stored.equals(endpoint)) {
            return endpoint;
        }
        dev.mcprefresh.core.session.Origin origin = dev.mcprefresh.core.session.Origin.of(endpoint);
        if (origin != null && origin.matches(URI.create(stored))) {
            return stored;
        }
        throw new TokenEndpointException("the stored assertion audience is not on the token endpoint's server, so no"
                + " assertion is made for it (an assertion is a credential for its audience)", Failure.CONFIGURATION,
                null);
    }

    private static String secret(TokenRecord record) throws TokenEndpointException {
        if (record.clientSecret() == null) {
            throw new TokenEndpointException("token_endpoint_auth_method is " + record.authMethod()
                    + " but no client_secret is stored", true, null);
        }
        return record.clientSecret();
    }

}
