package dev.mcprefresh.agent.cli;

import dev.mcprefresh.core.config.Setting;
import dev.mcprefresh.core.config.Settings;
import dev.mcprefresh.core.oauth.AuthorizationServerMetadata;
import dev.mcprefresh.core.oauth.Discovery;
import dev.mcprefresh.core.oauth.DiscoveryException;
import dev.mcprefresh.core.oauth.OAuthHttp;
import dev.mcprefresh.core.oauth.TokenEndpointClient;
import dev.mcprefresh.core.oauth.TokenEndpointException;
import dev.mcprefresh.core.oauth.TokenResponse;
import dev.mcprefresh.core.store.TokenRecord;
import dev.mcprefresh.core.store.TokenStore;
import java.io.PrintStream;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;

/**
 * {@code add}: store a server's client and refresh token, or a service account's client (client credentials), with a
 * found or given token endpoint, verified by one token request.
 */
final class AddCommand {
    private static final String HELP = String.join("\n",
            "usage: java -jar mcp-refresh.jar add <mcp-url> --client-id ID --refresh-token-file F [options]",
            "       java -jar mcp-refresh.jar add <mcp-url> --grant client_credentials --client-id ID",
            "                                         (--client-secret-file F | --private-key-file KEY.pem) [options]",
            "",
            "Seeds the token store with a refresh token you already have, so the agent can keep the MCP server's",
            "access token fresh. The token endpoint is discovered from the MCP URL (RFC 9728, RFC 8414, OpenID",
            "discovery) unless --token-endpoint is given. Unless --no-verify, one refresh is made right away to check",
            "the refresh token; if the server rotates refresh tokens, the new one is stored and the file's is used up.",
            "With --grant client_credentials (a service account) there is no refresh token: the agent mints a new",
            "token with the client's secret or private key before expiry and on 401, once for all processes sharing",
            "the store; the resource defaults to the server's (RFC 9728), else the MCP URL.",
            "",
            "  --grant G                   refresh_token (default) | client_credentials",
            "  --client-id ID              the OAuth client the refresh token was issued to",
            "  --refresh-token-file F      file holding the refresh token (kept off the command line on purpose)",
            "  --client-secret-file F      file holding the client secret, for confidential clients",
            "  --private-key-file KEY.pem  the client's private key (PKCS#8 PEM, mode 0600): private_key_jwt (RFC 7523);",
            "                              the store keeps the file's path, never the key",
            "  --key-id KID                the key's kid at the authorization server",
            "  --signing-alg A             RS256 | PS256 | ES256 (default: RS256 for RSA keys, ES256 for EC keys)",
            "  --assertion-audience URL    the assertion's aud (default: the token endpoint; some servers want the issuer)",
            "  --auth-method M             none | client_secret_basic | client_secret_post | private_key_jwt",
            "                              (default: by the credentials given; none without)",
            "  --token-endpoint URL        skip discovery",
            "  --resource URI              RFC 8707 resource sent with every refresh (as at login)",
            "  --no-resource               send none (for servers that refuse it)",
            "  --scope S                   the granted scope, for the record; for client_credentials, what each mint asks",
            "                              for",
            "  --no-verify                 store without contacting the token endpoint",
            "  --refresh-idle LIFETIME     how long the server lets a refresh token sit unused (30m, 12h, 7d), when it",
            "                              does not say: the agent refreshes idle apps' grants before that",
            "  --replace-corrupt-store     if the store cannot be read, move it aside (kept as tokens.json.corrupt-*)",
            "                              and start a new one",
            "  --store PATH                token store to write");

    private final PrintStream out;
    private final PrintStream err;

    AddCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    int run(String[] argv) {
        Set<String> valued = new java.util.HashSet<>(Set.of("client-id", "refresh-token-file", "grant",
                "token-endpoint", "resource", "scope", "refresh-idle", "store"));
        valued.addAll(ClientAuthArgs.OPTIONS);
        Args a = Args.parse(argv, 1, valued, Set.of("no-verify", "no-resource", "replace-corrupt-store", "help"));
        if (a.has("help")) {
            out.println(HELP);
            return 0;
        }
        URI url = CliInputs.httpUrl(a.single("<mcp-url>"), "<mcp-url>");
        if (a.has("resource") && a.has("no-resource")) {
            throw new Args.UsageException("--resource and --no-resource exclude each other");
        }
        String grant = a.has("grant") ? a.get("grant") : TokenRecord.GRANT_REFRESH_TOKEN;
        if (!Set.of(TokenRecord.GRANT_REFRESH_TOKEN, TokenRecord.GRANT_CLIENT_CREDENTIALS).contains(grant)) {
            throw new Args.UsageException("--grant must be refresh_token or client_credentials");
        }
        boolean service = grant.equals(TokenRecord.GRANT_CLIENT_CREDENTIALS);
        String clientId = required(a, "client-id");
        java.util.Set<String> said = new java.util.HashSet<>();
        java.util.function.Consumer<String> warnOnce = line -> {
            if (said.add(line)) {
                err.println(line);
            }
        };
        ClientAuthArgs auth = ClientAuthArgs.parse(a, warnOnce);
        String refreshToken = null;
        if (service) {
            for (String refreshOnly : new String[] {"refresh-token-file", "refresh-idle"}) {
                if (a.has(refreshOnly)) {
                    throw new Args.UsageException("--" + refreshOnly + " does not apply to --grant client_credentials"
                            + " (no refresh token: the token is minted again)");
                }
            }
            if (!auth.confidential()) {
                throw new Args.UsageException("--grant client_credentials needs the client's credentials:"
                        + " --client-secret-file or --private-key-file");
            }
        } else {
            refreshToken = CliInputs.readSecret(required(a, "refresh-token-file"), "refresh token");
        }
        Long refreshIdle = refreshIdle(a);
        Settings settings = Settings.load(null);
        OAuthHttp http = OAuthHttp.of(settings);

        String tokenEndpoint = a.get("token-endpoint");
        String issuer = null;
        String introspection = null;
        String resource = a.get("resource");
        if (tokenEndpoint == null) {
            try {
                AuthorizationServerMetadata meta = new Discovery(http).discover(url);
                tokenEndpoint = meta.tokenEndpoint();
                issuer = meta.issuer();
                introspection = meta.introspectionEndpoint();
                if (service && resource == null && !a.has("no-resource")) {
                    resource = meta.resource(); // a minted token is bound to its MCP server, as at a login
                }
                out.println("token endpoint: " + tokenEndpoint + " (from " + meta.foundAt() + ")");
            } catch (DiscoveryException e) {
                err.println("mcp-refresh add: " + e.getMessage());
                return 1;
            }
        } else {
            CliInputs.httpUrl(tokenEndpoint, "--token-endpoint");
        }
        if (service && resource == null && !a.has("no-resource")) {
            resource = url.toString();
        }
        TokenRecord record = auth.applyTo(TokenRecord.builder(url.toString()).issuer(issuer).tokenEndpoint(tokenEndpoint)
                .clientId(clientId)).grantType(grant).resource(resource)
                .scope(a.get("scope")).refreshIdleSeconds(refreshIdle)
                .refreshToken(refreshToken).updatedAt(Instant.now()).build();

        TokenEndpointClient tokens = new TokenEndpointClient(http, Clock.systemUTC(), warnOnce);
        // Whose grant: asked before the check refresh, which may rotate the file's refresh token: from then on
        // nothing may stand between the answer and the store.
        record = service ? record : StoredEntries.withIdentity(record, introspection, tokens);
        TokenStore store = Cli.store(a, settings);
        if (a.has("replace-corrupt-store")) {
            String backup = store.setAsideIfCorrupt();
            if (backup != null) {
                out.println("the unreadable store was moved aside to " + backup);
            }
        }
        if (!a.has("no-verify")) {
            try {
                store.read(); // a store that cannot be read or written is said before the refresh token is used up
                store.warmUpWriter();
                Instant at = Instant.now();
                TokenResponse r = tokens.refresh(record);
                record = r.applyTo(record, at);
                out.println("verified: the token endpoint " + (service ? "minted" : "issued") + " an access token"
                        + (r.expiresAt() != null ? " valid for " + Duration.between(at, r.expiresAt()).toSeconds() + " s"
                                : " with no stated expiry")
                        + (r.refreshToken() != null ? "; it rotated the refresh token (the new one is stored)" : ""));
            } catch (TokenEndpointException e) {
                err.println("mcp-refresh add: " + (service ? "the client credentials did not work: "
                        : "the refresh token did not work: ") + e.getMessage()
                        + (e.needsLogin() || e.configurationError() ? "; nothing was stored"
                                : "; nothing was stored (use --no-verify to store it anyway)"));
                return 1;
            }
        }
        if (service) {
            record = record.toBuilder().identity(StoredEntries.serviceIdentity(record)).build();
        }
        TokenRecord stored = StoredEntries.save(store, record, out::println);
        out.println("stored credentials for " + url + " as " + StoredEntries.describe(stored.identity()) + " in "
                + store.location() + (stored.subject() == null
                        ? " (the token endpoint did not say whose tokens these are: an app's own token for this server"
                                + " is then taken to be this identity's unless it names another user)" : ""));
        return 0;
    }

    private static String required(Args a, String name) {
        String v = a.get(name);
        if (v == null || v.isBlank()) {
            throw new Args.UsageException("--" + name + " is required");
        }
        return v;
    }

    /** {@code --refresh-idle}, or null. */
    static Long refreshIdle(Args a) {
        return a.has("refresh-idle") ? CliInputs.lifetimeSeconds(a.get("refresh-idle"), "--refresh-idle") : null;
    }
}
