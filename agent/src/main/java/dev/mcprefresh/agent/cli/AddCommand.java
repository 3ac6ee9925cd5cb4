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

/** {@code add}: store a server's client and refresh token, found or given token endpoint, verified by one refresh. */
final class AddCommand {
    private static final String HELP = String.join("\n",
            "usage: java -jar mcp-refresh.jar add <mcp-url> --client-id ID --refresh-token-file F [options]",
            "",
            "Seeds the token store with a refresh token you already have, so the agent can keep the MCP server's",
            "access token fresh. The token endpoint is discovered from the MCP URL (RFC 9728, RFC 8414, OpenID",
            "discovery) unless --token-endpoint is given. Unless --no-verify, one refresh is made right away to check",
            "the refresh token; if the server rotates refresh tokens, the new one is stored and the file's is used up.",
            "",
            "  --client-id ID              the OAuth client the refresh token was issued to",
            "  --refresh-token-file F      file holding the refresh token (kept off the command line on purpose)",
            "  --client-secret-file F      file holding the client secret, for confidential clients",
            "  --auth-method M             none | client_secret_basic | client_secret_post",
            "                              (default: client_secret_basic with a secret, none without)",
            "  --token-endpoint URL        skip discovery",
            "  --resource URI              RFC 8707 resource sent with every refresh (as at login)",
            "  --scope S                   the granted scope, for the record",
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
        Args a = Args.parse(argv, 1, Set.of("client-id", "refresh-token-file", "client-secret-file", "auth-method",
                "token-endpoint", "resource", "scope", "refresh-idle", "store"), Set.of("no-verify", "replace-corrupt-store", "help"));
        if (a.has("help")) {
            out.println(HELP);
            return 0;
        }
        URI url = CliInputs.httpUrl(a.single("<mcp-url>"), "<mcp-url>");
        String clientId = required(a, "client-id");
        String refreshToken = CliInputs.readSecret(required(a, "refresh-token-file"), "refresh token");
        String secret = a.has("client-secret-file") ? CliInputs.readSecret(a.get("client-secret-file"), "client secret") : null;
        String method = a.get("auth-method");
        if (method != null && !Set.of(TokenRecord.AUTH_NONE, TokenRecord.AUTH_BASIC, TokenRecord.AUTH_POST).contains(method)) {
            throw new Args.UsageException("--auth-method must be none, client_secret_basic or client_secret_post");
        }
        if (method != null && !method.equals(TokenRecord.AUTH_NONE) && secret == null) {
            throw new Args.UsageException("--auth-method " + method + " needs --client-secret-file");
        }
        Long refreshIdle = refreshIdle(a);
        Settings settings = Settings.load(null);
        OAuthHttp http = OAuthHttp.of(settings);

        String tokenEndpoint = a.get("token-endpoint");
        String issuer = null;
        String introspection = null;
        if (tokenEndpoint == null) {
            try {
                AuthorizationServerMetadata meta = new Discovery(http).discover(url);
                tokenEndpoint = meta.tokenEndpoint();
                issuer = meta.issuer();
                introspection = meta.introspectionEndpoint();
                out.println("token endpoint: " + tokenEndpoint + " (from " + meta.foundAt() + ")");
            } catch (DiscoveryException e) {
                err.println("mcp-refresh add: " + e.getMessage());
                return 1;
            }
        } else {
            CliInputs.httpUrl(tokenEndpoint, "--token-endpoint");
        }
        TokenRecord record = TokenRecord.builder(url.toString()).issuer(issuer).tokenEndpoint(tokenEndpoint)
                .clientId(clientId).clientSecret(secret).authMethod(method).resource(a.get("resource"))
                .scope(a.get("scope")).refreshIdleSeconds(refreshIdle)
                .refreshToken(refreshToken).updatedAt(Instant.now()).build();

        TokenEndpointClient tokens = new TokenEndpointClient(http, Clock.systemUTC());
        // Whose grant: asked before the check refresh, which may rotate the file's refresh token: from then on
        // nothing may stand between the answer and the store.
        record = StoredEntries.withIdentity(record, introspection, tokens);
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
                out.println("verified: the token endpoint issued an access token"
                        + (r.expiresAt() != null ? " valid for " + Duration.between(at, r.expiresAt()).toSeconds() + " s"
                                : " with no stated expiry")
                        + (r.refreshToken() != null ? "; it rotated the refresh token (the new one is stored)" : ""));
            } catch (TokenEndpointException e) {
                err.println("mcp-refresh add: the refresh token did not work: " + e.getMessage()
                        + (e.needsLogin() || e.configurationError() ? "; nothing was stored"
                                : "; nothing was stored (use --no-verify to store it anyway)"));
                return 1;
            }
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
