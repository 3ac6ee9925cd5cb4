package dev.mcprefresh.agent.cli;

import dev.mcprefresh.core.config.Setting;
import dev.mcprefresh.core.config.Settings;
import dev.mcprefresh.core.store.StoreException;
import dev.mcprefresh.core.store.StoreLocation;
import dev.mcprefresh.core.store.TokenStore;
import dev.mcprefresh.core.store.TokenStores;
import java.io.PrintStream;

/** {@code java -jar mcp-refresh.jar <command>}. Exit codes: 0 done, 1 failed, 2 bad command line. */
public final class Cli {
    static final String USAGE = String.join("\n",
            "usage: java -jar mcp-refresh.jar <command> [options]",
            "",
            "commands:",
            "  add <mcp-url> --client-id ID --refresh-token-file F   seed a server's credentials (no browser)",
            "      [--client-secret-file F] [--auth-method none|client_secret_basic|client_secret_post]",
            "      [--token-endpoint URL] [--resource URI] [--scope S] [--no-verify]",
            "  status [--json]                                        list stored servers (never token values)",
            "  refresh <mcp-url>                                      refresh a stored server's access token now",
            "  login <mcp-url> [--client-id ID] [--device] ...        log in (authorization code + PKCE, or device)",
            "  doctor <mcp-url> [--live] [--json]                     will refresh work? what to fix on the server",
            "  logout <mcp-url> [--no-revoke]                         revoke the refresh token and forget the server",
            "  attach <pid> [--store STORE]                           load the agent into a running JVM",
            "  store copy --from STORE --to STORE [--move]            copy entries between a file and a database",
            "  store rekey                                            re-encrypt a database store under the current key",
            "",
            "every command takes --store STORE: a file path or postgresql://HOST[:PORT]/DATABASE (default: mcp.refresh.store,",
            "MCP_REFRESH_STORE or ~/.mcp-refresh/tokens.json)",
            "run a command with --help for details");

    private Cli() {
    }

    public static int run(String[] argv, PrintStream out, PrintStream err) {
        if (argv.length == 0 || argv[0].equals("--help") || argv[0].equals("-h") || argv[0].equals("help")) {
            out.println(USAGE);
            return argv.length == 0 ? 2 : 0;
        }
        try {
            switch (argv[0]) {
                case "add":
                    return new AddCommand(out, err).run(argv);
                case "status":
                    return new StatusCommand(out).run(argv);
                case "refresh":
                    return new RefreshCommand(out, err).run(argv);
                case "login":
                    return new LoginCommand(out, err).run(argv);
                case "doctor":
                    return new DoctorCommand(out).run(argv);
                case "logout":
                    return new LogoutCommand(out, err).run(argv);
                case "attach":
                    return attach(argv, out, err);
                case "store":
                    return new StoreCommand(out, err).run(argv);
                default:
                    err.println("mcp-refresh: unknown command '" + argv[0] + "'\n" + USAGE);
                    return 2;
            }
        } catch (Args.UsageException e) {
            err.println("mcp-refresh " + argv[0] + ": " + e.getMessage() + " (see --help)");
            return 2;
        } catch (StoreException e) {
            err.println("mcp-refresh " + argv[0] + ": " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        } catch (IllegalArgumentException e) {
            err.println("mcp-refresh " + argv[0] + ": " + e.getMessage());
            return 2;
        }
    }

    /** In its own method so that a JRE without jdk.attach fails only this command, with a clear message. */
    private static int attach(String[] argv, PrintStream out, PrintStream err) {
        try {
            return new AttachCommand(out, err).run(argv);
        } catch (NoClassDefFoundError e) {
            err.println("mcp-refresh attach: this Java has no attach support (module jdk.attach); run it with a JDK");
            return 1;
        }
    }

    /** The store named by --store (else the settings), with the settings' lock timeout. */
    static TokenStore store(Args args, Settings settings) {
        return TokenStores.open(storeLocation(args), settings, settings.duration(Setting.LOCK_TIMEOUT_SECONDS));
    }

    /** The one error every command that needs a stored server gives when there is none; exit code 1. */
    static int noStoredServer(PrintStream err, String command, String url, TokenStore store) {
        err.println("mcp-refresh " + command + ": no stored server " + url + " in " + store.location()
                + " (see: java -jar mcp-refresh.jar status)");
        return 1;
    }

    /** --store, else the same settings the agent reads; a URL is never taken for a file path. */
    static StoreLocation storeLocation(Args args) {
        String store = args.get("store");
        return store != null ? StoreLocation.parse(store) : Settings.load(null).storeLocation();
    }
}
