package dev.mcprefresh.agent.cli;

import dev.mcprefresh.core.config.Setting;
import dev.mcprefresh.core.config.Settings;
import dev.mcprefresh.core.store.StoreException;
import dev.mcprefresh.core.store.StoreLocation;
import dev.mcprefresh.core.store.TokenRecord;
import dev.mcprefresh.core.store.TokenStore;
import dev.mcprefresh.core.store.TokenStores;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code store copy} moves entries between stores (a file and a database, either way); {@code store rekey} rewrites
 * every entry of a database store under the key file's current key, the middle step of a key rotation.
 */
final class StoreCommand {
    private static final String HELP = String.join("\n",
            "usage: java -jar mcp-refresh.jar store copy --from STORE --to STORE [--replace] [--move]",
            "       java -jar mcp-refresh.jar store rekey [--store STORE]",
            "",
            "STORE is a file path or postgresql://HOST[:PORT]/DATABASE; a database store takes its user, password",
            "file and key file from the usual settings (mcp.refresh.store.user, .password.file, .key.file).",
            "  copy     copies every entry; one the destination already holds is left as it is unless --replace.",
            "           --move removes the copied entries from the source in the same step, so the two stores never",
            "           both hold a live refresh token (a rotating server lets only one of them refresh).",
            "  rekey    rewrites every entry of a database store under the key file's first (current) key, entries",
            "           sealed with an older key or written in clear (encryption=none) included; after it, the older",
            "           key lines can be removed.");

    private final PrintStream out;
    private final PrintStream err;

    StoreCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    int run(String[] argv) {
        Args a = Args.parse(argv, 1, Set.of("from", "to", "store"), Set.of("replace", "move", "help"));
        if (a.has("help")) {
            out.println(HELP);
            return 0;
        }
        String verb = a.single("copy or rekey");
        Settings settings = Settings.load(null);
        switch (verb) {
            case "copy":
                return copy(a, settings);
            case "rekey":
                return rekey(a, settings);
            default:
                throw new Args.UsageException("store takes copy or rekey, not '" + verb + "'");
        }
    }

    private int copy(Args a, Settings settings) {
        if (a.get("from") == null || a.get("to") == null) {
            throw new Args.UsageException("store copy needs --from STORE and --to STORE");
        }
        TokenStore from = open(StoreLocation.parse(a.get("from")), settings);
        TokenStore to = open(StoreLocation.parse(a.get("to")), settings);
        if (from.location().equals(to.location())) {
            throw new Args.UsageException("--from and --to name the same store");
        }
        boolean replace = a.has("replace");
        boolean move = a.has("move");
        if (move) {
            from.warmUpWriter(); // a source that cannot be written is said before anything is copied
        }
        List<String> copied = new ArrayList<>();
        List<String> kept = new ArrayList<>();
        java.util.Set<String> copiedIds = new java.util.HashSet<>();
        boolean[] destinationWritten = {false};
        try {
            // Under the source's lock throughout: no refresh can rotate a token between the read and the copy's commit.
            from.update(source -> {
                List<TokenRecord> entries = new ArrayList<>(source.records());
                to.update(destination -> {
                    for (TokenRecord r : entries) {
                        if (destination.get(r.id()) != null && !replace) {
                            kept.add(describe(r));
                        } else {
                            destination.put(r);
                            copied.add(describe(r));
                            copiedIds.add(r.id());
                        }
                    }
                    return null;
                });
                destinationWritten[0] = true;
                if (move) {
                    copiedIds.forEach(source::remove);
                }
                return null;
            });
        } catch (StoreException e) {
            if (move && destinationWritten[0] && !copiedIds.isEmpty()) {
                err.println("mcp-refresh store copy: " + to.location() + " now holds the " + copiedIds.size()
                        + " entries, but removing them from " + from.location() + " failed (" + e.getMessage()
                        + "): both stores hold the same refresh tokens; before any app refreshes, point every app at "
                        + to.location() + " or remove the source (it must not be used to refresh again)");
                return 1;
            }
            throw e;
        }
        for (String c : copied) {
            out.println((move ? "moved " : "copied ") + c);
        }
        for (String k : kept) {
            out.println("kept " + k + ": " + to.location() + " already holds it (--replace overwrites)");
        }
        out.println(copied.size() + " entr" + (copied.size() == 1 ? "y" : "ies") + (move ? " moved" : " copied")
                + " from " + from.location() + " to " + to.location() + " (" + to.kind() + "; secrets: "
                + to.protection() + ")");
        if (!move && !copied.isEmpty()) {
            err.println("note: " + from.location() + " still holds the same refresh tokens; with a server that rotates"
                    + " them, only one store may be used to refresh: point every app at " + to.location()
                    + " before any refresh, or copy again with --move");
        }
        return 0;
    }

    private int rekey(Args a, Settings settings) {
        TokenStore store = Cli.store(a, settings);
        int n = store.reseal();
        out.println(n + " entr" + (n == 1 ? "y" : "ies") + " of " + store.location() + " rewritten (secrets: "
                + store.protection() + "); keys after the first line of the key file are no longer needed");
        return 0;
    }

    private static TokenStore open(StoreLocation location, Settings settings) {
        return TokenStores.open(location, settings, settings.duration(Setting.LOCK_TIMEOUT_SECONDS));
    }

    private static String describe(TokenRecord r) {
        return r.serverUrl() + " as " + StoredEntries.describe(r.identity());
    }
}
