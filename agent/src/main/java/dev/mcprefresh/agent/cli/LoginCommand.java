package dev.mcprefresh.agent.cli;

import dev.mcprefresh.core.config.Setting;
import dev.mcprefresh.core.config.Settings;
import dev.mcprefresh.core.login.AuthorizationCodeFlow;
import dev.mcprefresh.core.login.ClientMetadataDocument;
import dev.mcprefresh.core.login.ClientRegistration;
import dev.mcprefresh.core.login.DeviceAuthorization;
import dev.mcprefresh.core.login.LoginException;
import dev.mcprefresh.core.login.LoginScope;
import dev.mcprefresh.core.login.LoopbackRedirect;
import dev.mcprefresh.core.login.Pkce;
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
 * {@code login}: the MCP authorization flow from a terminal. Discovery, then authorization code + PKCE S256 with a
 * loopback redirect (or the device grant), with a pre-registered or dynamically registered client; the client and
 * the tokens go into the store together, so refresh later uses the same client.
 */
final class LoginCommand {
    private static final String HELP = String.join("\n",
            "usage: java -jar mcp-refresh.jar login <mcp-url> [options]",
            "",
            "Logs in to the MCP server's authorization server and stores the tokens for the agent. The authorization",
            "server is found from the MCP URL (the 401's resource_metadata hint, RFC 9728, RFC 8414, OpenID). The client:",
            "--client-id, else --client-metadata-url where the server takes client ID metadata documents, else one",
            "registered dynamically (RFC 7591). The answer's iss is checked (RFC 9207). offline_access is asked for when the server",
            "lists it, so that a refresh token is issued. Opens the browser where there is one, else prints the URL.",
            "",
            "  --client-id ID            a client registered by hand (its redirect URI: http://127.0.0.1:<port>/callback)",
            "  --client-metadata-url URL an https URL where you host mcp-refresh's client ID metadata document (CIMD),",
            "                            used as the client id where the server takes such documents",
            "  --print-client-metadata   print the document to host at --client-metadata-url, and exit",
            "  --client-secret-file F    that client's secret, for confidential clients",
            "  --private-key-file KEY    or its private key (private_key_jwt, RFC 7523; PKCS#8 PEM, mode 0600), with",
            "                            --key-id KID, --signing-alg RS256|PS256|ES256, --assertion-audience URL",
            "  --auth-method M           none | client_secret_basic | client_secret_post | private_key_jwt (default by",
            "                            the credentials given)",
            "  --scope S                 scopes to ask for (default: the resource's scopes_supported), with those",
            "                            already granted (after an insufficient_scope answer: the challenged ones)",
            "  --resource URI            RFC 8707 resource (default: the resource metadata's, else the MCP URL)",
            "  --no-resource             send no resource parameter (for servers that reject it)",
            "  --port N                  loopback redirect port (default: a free one; fix it for exact redirect URIs)",
            "  --device                  device authorization grant (RFC 8628), for machines without a browser",
            "  --no-browser              print the URL only",
            "  --timeout SECONDS         how long to wait for the browser or device approval (default 300)",
            "  --refresh-idle LIFETIME   how long the server lets a refresh token sit unused (30m, 12h, 7d), when it",
            "                            does not say: the agent refreshes idle apps' grants before that",
            "  --store PATH              token store to write");

    private final PrintStream out;
    private final PrintStream err;

    LoginCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    int run(String[] argv) throws InterruptedException {
        Set<String> valued = new java.util.HashSet<>(Set.of("client-id", "scope", "resource", "port", "timeout",
                "refresh-idle", "store", "client-metadata-url"));
        valued.addAll(ClientAuthArgs.OPTIONS);
        Args a = Args.parse(argv, 1, valued,
                Set.of("no-resource", "device", "no-browser", "print-client-metadata", "help"));
        if (a.has("help")) {
            out.println(HELP);
            return 0;
        }
        URI metadataUrl = clientMetadataUrl(a);
        if (a.has("print-client-metadata")) {
            if (metadataUrl == null) {
                throw new Args.UsageException("--print-client-metadata needs --client-metadata-url (where you will host"
                        + " the document)");
            }
            out.println(new String(ClientMetadataDocument.json(metadataUrl), java.nio.charset.StandardCharsets.UTF_8));
            return 0;
        }
        URI url = CliInputs.httpUrl(a.single("<mcp-url>"), "<mcp-url>");
        if (a.has("resource") && a.has("no-resource")) {
            throw new Args.UsageException("--resource and --no-resource exclude each other");
        }
        ClientAuthArgs auth = ClientAuthArgs.parse(a, err::println);
        if (auth.confidential() && !a.has("client-id")) {
            throw new Args.UsageException("a client secret or key needs --client-id (the client it belongs to)");
        }
        int port = a.has("port") ? CliInputs.positiveInt(a.get("port"), "--port") : 0;
        Duration timeout = Duration.ofSeconds(a.has("timeout") ? CliInputs.positiveInt(a.get("timeout"), "--timeout")
                : 300);
        Long refreshIdle = AddCommand.refreshIdle(a);
        Settings settings = Settings.load(null);
        OAuthHttp http = OAuthHttp.of(settings);
        TokenEndpointClient tokens = new TokenEndpointClient(http, Clock.systemUTC());
        TokenStore store = Cli.store(a, settings);
        try {
            AuthorizationServerMetadata meta = new Discovery(http).discover(url);
            out.println("authorization server: " + meta.issuer() + " (metadata at " + meta.foundAt() + ")");
            String resource = a.has("no-resource") ? null
                    : a.has("resource") ? a.get("resource") : meta.resource() != null ? meta.resource() : url.toString();
            String granted = grantedScope(store, url, meta.issuer());
            String scope = LoginScope.of(a.get("scope"), meta.resourceScopes(), meta.scopesSupported(), granted);
            if (a.has("scope") && !java.util.Objects.equals(scope,
                    LoginScope.of(a.get("scope"), meta.resourceScopes(), meta.scopesSupported(), null))) {
                out.println("asking for scope \"" + scope + "\": the granted scope and the requested one together"
                        + " (a step-up keeps what was granted)");
            }
            TokenRecord client = TokenRecord.builder(url.toString()).issuer(meta.issuer())
                    .tokenEndpoint(meta.tokenEndpoint()).clientId(a.get("client-id")).clientSecret(auth.secret)
                    .authMethod(auth.method).clientKey(auth.key).resource(resource)
                    .scope(scope).refreshIdleSeconds(refreshIdle).build();
            Instant at = Instant.now();
            TokenResponse response;
            if (a.has("device")) {
                if (meta.deviceAuthorizationEndpoint() == null) {
                    throw new LoginException("the authorization server offers no device authorization endpoint"
                            + " (RFC 8628); log in with the browser flow instead (drop --device)");
                }
                // The device grant has no redirect; registration still wants a redirect URI, any loopback one.
                client = ensureClient(client, meta, http, "http://127.0.0.1/callback", scope, true, metadataUrl);
                response = deviceLogin(meta, client, scope, http, tokens, timeout);
            } else {
                AuthorizationCodeFlow.requireS256(meta);
                try (LoopbackRedirect redirect = new LoopbackRedirect(port, Pkce.randomToken())) {
                    client = ensureClient(client, meta, http, redirect.redirectUri(), scope, false, metadataUrl);
                    response = browserLogin(new AuthorizationCodeFlow(meta, client, scope, redirect), redirect,
                            tokens, timeout, a.has("no-browser"));
                }
            }
            TokenRecord record = StoredEntries.save(store, StoredEntries.withIdentity(response.applyTo(client, at),
                    meta.introspectionEndpoint(), tokens), out::println);
            out.println("logged in as " + StoredEntries.describe(record.identity()) + ": stored credentials for " + url
                    + " (client " + record.clientId() + ") in " + store.location());
            out.println("access token valid for " + (record.expiresAt() == null ? "an unstated time"
                    : Duration.between(Instant.now(), record.expiresAt()).toSeconds() + " s")
                    + "; refresh token: " + (record.refreshToken() != null ? "yes" : "NO"));
            if (record.refreshToken() == null) {
                warnNoRefreshToken(meta);
            }
            return 0;
        } catch (DiscoveryException | LoginException e) {
            err.println("mcp-refresh login: " + e.getMessage());
            return 1;
        } catch (TokenEndpointException e) {
            err.println("mcp-refresh login: the token request failed: " + e.getMessage());
            return 1;
        }
    }

    private TokenResponse deviceLogin(AuthorizationServerMetadata meta, TokenRecord client, String scope, OAuthHttp http,
            TokenEndpointClient tokens, Duration timeout) throws LoginException, InterruptedException {
        return new DeviceAuthorization(http, tokens).run(URI.create(meta.deviceAuthorizationEndpoint()), client, scope,
                prompt -> {
                    out.println("To log in, open " + prompt.verificationUri + " on any device and enter the code "
                            + prompt.userCode);
                    if (prompt.verificationUriComplete != null) {
                        out.println("or open: " + prompt.verificationUriComplete);
                    }
                    out.println("waiting for approval...");
                    out.flush();
                }, timeout);
    }

    private TokenResponse browserLogin(AuthorizationCodeFlow flow, LoopbackRedirect redirect,
            TokenEndpointClient tokens, Duration timeout, boolean noBrowser)
            throws LoginException, InterruptedException, TokenEndpointException {
        URI authorize = flow.authorizationUrl();
        out.println("Open this URL to log in:");
        out.println("  " + authorize);
        if (!noBrowser && Browser.open(authorize)) {
            out.println("(opened in your browser)");
        }
        out.println("waiting for the login to come back to " + redirect.redirectUri() + " ...");
        out.flush();
        return flow.awaitTokens(tokens, timeout);
    }

    /**
     * The client to log in with, in the MCP authorization spec's order: pre-registered (--client-id), a client ID
     * metadata document where the server takes one, else one registered now (RFC 7591).
     */
    private TokenRecord ensureClient(TokenRecord client, AuthorizationServerMetadata meta, OAuthHttp http,
            String redirectUri, String scope, boolean device, URI metadataUrl) throws LoginException {
        if (client.clientId() != null) {
            return client;
        }
        if (metadataUrl != null) {
            if (meta.clientIdMetadataDocumentSupported()) {
                out.println("client: " + metadataUrl + " (client ID metadata document)");
                return client.toBuilder().clientId(metadataUrl.toString()).clientSecret(null)
                        .authMethod(TokenRecord.AUTH_NONE).build();
            }
            out.println("the authorization server does not take client ID metadata documents"
                    + " (client_id_metadata_document_supported): registering a client instead");
        }
        if (meta.registrationEndpoint() == null) {
            throw new LoginException("the authorization server offers no dynamic client registration; register a"
                    + " client for mcp-refresh (redirect URI http://127.0.0.1:<port>/callback) and pass --client-id"
                    + " (and --port if it needs one exact redirect URI)");
        }
        ClientRegistration.Registered r = new ClientRegistration(http)
                .register(URI.create(meta.registrationEndpoint()), redirectUri, scope, device);
        out.println("registered client " + r.clientId + " (dynamic client registration)");
        if (!r.grantTypes.contains("refresh_token")) {
            out.println("warning: the server registered the client without the refresh grant, so this login will"
                    + " likely not be renewable");
        }
        return client.toBuilder().clientId(r.clientId).clientSecret(r.secret).authMethod(r.authMethod).build();
    }

    /** {@code --client-metadata-url}, checked as the CIMD draft requires of a client id; null when not given. */
    private static URI clientMetadataUrl(Args a) {
        if (!a.has("client-metadata-url")) {
            return null;
        }
        if (a.has("client-id")) {
            throw new Args.UsageException("--client-metadata-url and --client-id exclude each other (the URL is the"
                    + " client id)");
        }
        try {
            return ClientMetadataDocument.clientId(a.get("client-metadata-url"));
        } catch (IllegalArgumentException e) {
            throw new Args.UsageException(e.getMessage());
        }
    }

    /**
     * The scope already granted for this server by this issuer (the server's only stored identity), or null: a login
     * after an insufficient_scope answer asks for it too.
     */
    private static String grantedScope(TokenStore store, URI url, String issuer) {
        try {
            java.util.List<TokenRecord> stored = store.read().forServer(url.toString());
            stored.removeIf(TokenRecord::clientCredentials); // a service account's scope is not a user's grant
            if (stored.size() == 1 && issuer != null && issuer.equals(stored.get(0).issuer())) {
                return stored.get(0).scope();
            }
        } catch (RuntimeException e) {
            // an unreadable store is said when the login saves; the scope is then what was asked for
        }
        return null;
    }

    private void warnNoRefreshToken(AuthorizationServerMetadata meta) {
        err.println("warning: the token response held NO refresh token. The agent can use this access token until it"
                + " expires; after that, calls fail with 401 until you log in again.");
        if (!meta.scopesSupported().contains("offline_access")) {
            err.println("  the server does not list offline_access in scopes_supported: on the server, enable the"
                    + " offline_access scope (or the refresh_token grant) for this client");
        } else {
            err.println("  offline_access was requested: on the server, allow the refresh grant for this client and"
                    + " grant it offline_access");
        }
        err.println("  then run: java -jar mcp-refresh.jar doctor <mcp-url>");
    }
}
