package dev.mcprefresh.core.doctor;

import dev.mcprefresh.core.doctor.Finding.Level;
import dev.mcprefresh.core.oauth.AuthorizationServerMetadata;
import dev.mcprefresh.core.oauth.KeyFileException;
import dev.mcprefresh.core.oauth.SigningKey;
import dev.mcprefresh.core.store.ClientKey;
import dev.mcprefresh.core.store.TokenRecord;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What the authorization server's metadata tells about refresh, login and service accounts, as findings. Pure: the
 * metadata (and the stored entry, which decides what a service account needs) in, findings out.
 */
public final class ServerChecks {
    private ServerChecks() {
    }

    public static List<Finding> of(AuthorizationServerMetadata meta, TokenRecord stored) {
        List<Finding> f = new ArrayList<>();
        // A service account neither logs in nor refreshes: what only users' grants need is said, never failed.
        boolean service = stored != null && stored.clientCredentials();
        f.add(Finding.of("protected resource metadata (RFC 9728)", meta.resourceMetadataAt() != null,
                "found at " + meta.resourceMetadataAt(), Level.WARN,
                "none; the MCP server's origin was taken as the authorization server",
                "serve /.well-known/oauth-protected-resource (MCP 2025-06-18 and later require it)"));
        f.add(Finding.ok("authorization server metadata", meta.issuer() + " (found at " + meta.foundAt() + ")"));
        f.add(Finding.of("authorization response issuer (RFC 9207)", meta.issParameterSupported(),
                "advertised: login refuses an answer that does not name " + meta.issuer(), Level.WARN,
                "not advertised: login still refuses an answer naming another issuer, but one naming none cannot be"
                        + " told from a mix-up", "enable RFC 9207 (authorization_response_iss_parameter_supported) on"
                        + " the authorization server; the MCP authorization spec expects it"));
        boolean offline = meta.scopesSupported().contains("offline_access");
        f.add(Finding.of("offline_access scope", offline, "advertised in scopes_supported; login asks for it",
                Level.WARN, "not in scopes_supported; many servers issue refresh tokens only with offline_access",
                "on the authorization server, enable the offline_access scope for MCP clients"));
        List<String> grants = meta.grantTypesSupported();
        f.add(Finding.of("refresh_token grant", meta.advertisesRefreshTokenGrant(), "in grant_types_supported",
                service ? Level.OK : grants.isEmpty() ? Level.WARN : Level.FAIL, grants.isEmpty()
                        ? "grant_types_supported is not published; whether refresh works is unknown"
                        : "grant_types_supported is " + grants + ": no refresh_token",
                service ? null : "on the authorization server, allow the refresh_token grant for MCP clients"));
        boolean s256 = meta.codeChallengeMethodsSupported().contains("S256");
        f.add(Finding.of("PKCE S256", s256, "in code_challenge_methods_supported", service ? Level.WARN : Level.FAIL,
                "code_challenge_methods_supported is " + meta.codeChallengeMethodsSupported(),
                "publish code_challenge_methods_supported with S256; login refuses servers without it"));
        f.add(clientIdentification(meta));
        f.add(Finding.of("device authorization grant", meta.deviceAuthorizationEndpoint() != null,
                "offered (login --device works on headless machines)", Level.WARN,
                "not offered; login needs a browser on this machine or a copied URL", null));
        f.add(Finding.of("token revocation", meta.revocationEndpoint() != null,
                "offered (logout revokes the refresh token)", Level.WARN,
                "not offered; logout can only forget the tokens", null));
        serviceAccounts(meta, stored, f);
        return f;
    }

    /** How login gets a client where none is given: CIMD before dynamic registration, as the spec orders them. */
    private static Finding clientIdentification(AuthorizationServerMetadata meta) {
        if (meta.clientIdMetadataDocumentSupported()) {
            return Finding.ok("client registration", "client ID metadata documents supported (CIMD, preferred by the"
                    + " MCP authorization spec)" + (meta.registrationEndpoint() != null
                            ? "; dynamic client registration offered too" : ""));
        }
        return Finding.of("client registration", meta.registrationEndpoint() != null,
                "dynamic client registration offered at " + meta.registrationEndpoint() + " (no CIMD)", Level.WARN,
                "neither client ID metadata documents (CIMD) nor dynamic client registration",
                "register a client for mcp-refresh by hand and pass --client-id to login");
    }

    /**
     * Service accounts: the client_credentials grant, private_key_jwt and its algorithms. A missing one fails only
     * for the stored entry that needs it; for others it is said as information.
     */
    private static void serviceAccounts(AuthorizationServerMetadata meta, TokenRecord stored, List<Finding> f) {
        boolean service = stored != null && stored.clientCredentials();
        List<String> grants = meta.grantTypesSupported();
        boolean cc = grants.contains(TokenRecord.GRANT_CLIENT_CREDENTIALS);
        f.add(Finding.of("client_credentials grant", cc, "in grant_types_supported: service accounts work (add"
                + " --grant client_credentials)", !service ? Level.OK : grants.isEmpty() ? Level.WARN : Level.FAIL,
                grants.isEmpty() ? "grant_types_supported is not published; whether service accounts work is unknown"
                        : "not in grant_types_supported" + (service ? "" : " (needed only by service accounts)"),
                service ? "on the authorization server, allow the client_credentials grant for this client" : null));
        List<String> methods = meta.tokenEndpointAuthMethodsSupported();
        boolean keyJwt = methods.contains(TokenRecord.AUTH_PRIVATE_KEY_JWT);
        boolean usesKey = stored != null && stored.clientKey() != null;
        f.add(Finding.of("private_key_jwt client authentication", keyJwt, "in token_endpoint_auth_methods_supported"
                + algorithms(meta), !usesKey ? Level.OK : methods.isEmpty() ? Level.WARN : Level.FAIL,
                methods.isEmpty() ? "token_endpoint_auth_methods_supported is not published"
                        : "not in token_endpoint_auth_methods_supported " + methods
                                + (usesKey ? "" : " (needed only by clients with a private key)"),
                usesKey ? "on the authorization server, allow private_key_jwt for this client, or store a client"
                        + " secret instead (--client-secret-file)" : null));
        if (usesKey && keyJwt) {
            f.add(signingAlgorithm(meta, stored.clientKey()));
        }
    }

    private static Finding signingAlgorithm(AuthorizationServerMetadata meta, ClientKey key) {
        List<String> algs = meta.tokenEndpointAuthSigningAlgsSupported();
        String alg = algorithmOf(key);
        if (alg == null) {
            return Finding.ok("assertion signing algorithm", "not known until the key loads (see the private key line)");
        }
        return Finding.of("assertion signing algorithm", algs.isEmpty() || algs.contains(alg), alg
                + (algs.isEmpty() ? " (the server lists none)" : " is accepted"), Level.FAIL, alg + " is not in"
                + " token_endpoint_auth_signing_alg_values_supported " + algs, "store the key with --signing-alg set to"
                + " one the server lists (RS256, PS256, ES256), with a key of that type");
    }

    /** The stored algorithm, else the one the key's type gives (RS256, ES256); null when the key does not load. */
    private static String algorithmOf(ClientKey key) {
        if (key.algorithm() != null) {
            return key.algorithm();
        }
        try {
            return SigningKey.load(Path.of(key.file()), null, key.keyId(), warning -> { }).alg();
        } catch (KeyFileException | RuntimeException e) {
            return null;
        }
    }

    private static String algorithms(AuthorizationServerMetadata meta) {
        List<String> algs = meta.tokenEndpointAuthSigningAlgsSupported();
        return algs.isEmpty() ? "" : " (signing algorithms " + algs + ")";
    }
}
