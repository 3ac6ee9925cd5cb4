package dev.mcprefresh.agent.cli;

import dev.mcprefresh.core.config.Setting;
import dev.mcprefresh.core.config.Settings;
import dev.mcprefresh.core.oauth.AuthorizationServerMetadata;
import dev.mcprefresh.core.oauth.Discovery;
import dev.mcprefresh.core.oauth.DiscoveryException;
import dev.mcprefresh.core.oauth.OAuthHttp;
import dev.mcprefresh.core.oauth.TokenEndpointClient;
import dev.mcprefresh.core.oauth.TokenEndpointException;
import dev.mcprefresh.core.session.ServerMatcher;
import dev.mcprefresh.core.store.TokenRecord;
import dev.mcprefresh.core.store.TokenStore;
import java.io.PrintStream;
import java.net.URI;
import java.time.Clock;
import java.util.Set;

/**
 * {@code logout}: revoke the stored refresh token where the server offers RFC 7009 revocation, then remove the entry.
 * The entry goes even when revocation fails (the user asked to forget it); the output says so.
 */
final class LogoutCommand {
    private static final String HELP = String.join("\n",
            "usage: java -jar mcp-refresh.jar logout <mcp-url> [--identity SUBJECT] [--no-revoke] [--store PATH]",
            "",
            "Removes the stored credentials of <mcp-url>. First revokes its refresh token (RFC 7009) when the",
            "authorization server offers a revocation endpoint, so the token is dead, not only forgotten.",
            "  --identity S   the identity to log out (subject or display name, as status shows it) when the",
            "                 server has several; the others stay",
            "  --no-revoke    only remove the entry");

    private final PrintStream out;
    private final PrintStream err;

    LogoutCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    int run(String[] argv) {
        Args a = Args.parse(argv, 1, Set.of("store", "identity"), Set.of("no-revoke", "help"));
        if (a.has("help")) {
            out.println(HELP);
            return 0;
        }
        String url = a.single("<mcp-url>");
        Settings settings = Settings.load(null);
        TokenStore store = Cli.store(a, settings);
        TokenRecord record = StoredEntries.pick(store.read(), url, a.get("identity"), "logout");
        if (record == null) {
            return Cli.noStoredServer(err, "logout", url, store);
        }
        if (!a.has("no-revoke") && record.refreshToken() != null) {
            out.println(revoke(record, OAuthHttp.of(settings)));
        }
        store.update(contents -> {
            contents.remove(record.id());
            return null;
        });
        out.println("removed " + url + " as " + StoredEntries.describe(record.identity()) + " from " + store.location());
        return 0;
    }

    private static String revoke(TokenRecord record, OAuthHttp http) {
        AuthorizationServerMetadata meta;
        try {
            meta = new Discovery(http).discover(URI.create(record.serverUrl()));
        } catch (DiscoveryException | IllegalArgumentException e) {
            return "could not find the authorization server to revoke the refresh token (" + e.getMessage()
                    + "); it is only forgotten";
        }
        if (meta.revocationEndpoint() == null) {
            return "the authorization server offers no token revocation; the refresh token is only forgotten";
        }
        if (!ServerMatcher.sameOrigin(URI.create(meta.revocationEndpoint()), record.tokenEndpoint())) {
            // The client secret and refresh token go only where they were issued.
            return "the revocation endpoint " + meta.revocationEndpoint() + " is not on the token endpoint's server;"
                    + " not sending the refresh token there, it is only forgotten";
        }
        try {
            new TokenEndpointClient(http, Clock.systemUTC()).revoke(record, URI.create(meta.revocationEndpoint()),
                    record.refreshToken());
            return "revoked the refresh token at " + meta.revocationEndpoint();
        } catch (TokenEndpointException e) {
            return "revocation failed (" + e.getMessage() + "); the refresh token is only forgotten";
        }
    }
}
