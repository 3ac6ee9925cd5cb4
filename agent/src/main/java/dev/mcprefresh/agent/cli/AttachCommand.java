package dev.mcprefresh.agent.cli;

import com.sun.tools.attach.AgentInitializationException;
import com.sun.tools.attach.AgentLoadException;
import com.sun.tools.attach.AttachNotSupportedException;
import com.sun.tools.attach.VirtualMachine;
import dev.mcprefresh.core.config.Setting;
import dev.mcprefresh.core.config.Settings;
import dev.mcprefresh.core.store.StoreLocation;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code attach <pid>}: loads the agent into a running JVM. The agent then retransforms the MCP transport classes
 * already loaded and fixes the transports already built, so an app failing with 401 recovers without a restart.
 */
final class AttachCommand {
    private static final String HELP = String.join("\n",
            "usage: java -jar mcp-refresh.jar attach <pid> [--store STORE] [--log-level L]",
            "",
            "Loads the mcp-refresh agent into the running JVM <pid> (same user; run this with a JDK, not a JRE).",
            "Transports the app already built start taking tokens from the store at their next request.",
            "  --store STORE     the token store the app should use, a path or postgresql://HOST[:PORT]/DATABASE",
            "                    (default: the app's own mcp.refresh.store setting, else ~/.mcp-refresh/tokens.json",
            "                    of the app's user); for a database, this command's mcp.refresh.store.user,",
            "                    .password.file, .key.file and .encryption settings are passed on (file names only)",
            "  --log-level L     error | warn | info | debug, for the agent's lines in the app's stderr",
            "",
            "JDK 21 and later print a warning in the app when an agent is loaded dynamically (JEP 451); start the app",
            "with -XX:+EnableDynamicAgentLoading to allow it silently, or better, with -javaagent:mcp-refresh.jar.",
            "A JVM started with -XX:-EnableDynamicAgentLoading or -XX:+DisableAttachMechanism refuses attach.");

    private final PrintStream out;
    private final PrintStream err;

    /** The agent arguments that give the app this command's store (and, for a database, how to reach it). */
    static List<String> agentArgs(Args a, Settings settings) {
        List<String> agentArgs = new ArrayList<>();
        if (a.has("store")) {
            StoreLocation store = StoreLocation.parse(a.get("store"));
            String value = store.isDatabase() ? store.database().toString() : store.file().toAbsolutePath().toString();
            if (value.contains(",") || value.contains(";")) {
                throw new Args.UsageException("the store '" + value + "' contains ',' or ';', which separate agent"
                        + " arguments; give the app its store with -Dmcp.refresh.store or MCP_REFRESH_STORE instead");
            }
            agentArgs.add("store=" + value);
            if (store.isDatabase()) {
                agentArgs.addAll(databaseSettings(settings));
            }
        }
        if (a.has("log-level")) {
            agentArgs.add("log.level=" + a.get("log-level"));
        }
        return agentArgs;
    }

    /**
     * The database settings this CLI was given (user, file names, encryption: none is a secret), passed on so the
     * app reaches the same store; file names made absolute, as the app's working directory is not this one's.
     */
    private static List<String> databaseSettings(Settings settings) {
        List<String> args = new ArrayList<>();
        for (Setting s : new Setting[] {Setting.STORE_USER, Setting.STORE_PASSWORD_FILE, Setting.STORE_KEY_FILE,
                Setting.STORE_ENCRYPTION}) {
            String v = settings.get(s);
            if (v == null || v.isEmpty() || v.equals(s.defaultValue())) {
                continue;
            }
            if (s != Setting.STORE_USER && s != Setting.STORE_ENCRYPTION) {
                v = settings.file(s).toAbsolutePath().toString();
            }
            if (v.contains(",") || v.contains(";")) {
                throw new Args.UsageException(s.key() + " contains ',' or ';', which separate agent arguments; give"
                        + " the app that setting with -D or the environment instead");
            }
            args.add(s.shortKey() + "=" + v);
        }
        return args;
    }

    AttachCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    int run(String[] argv) {
        Args a = Args.parse(argv, 1, Set.of("store", "log-level"), Set.of("help"));
        if (a.has("help")) {
            out.println(HELP);
            return 0;
        }
        if (a.positional().size() != 1 || !a.positional().get(0).matches("[0-9]{1,10}")) {
            throw new Args.UsageException("expected exactly one <pid> (a process id)");
        }
        String pid = a.positional().get(0);
        if (pid.equals(String.valueOf(ProcessHandle.current().pid()))) {
            throw new Args.UsageException("cannot attach to this CLI's own process");
        }
        List<String> agentArgs = agentArgs(a, Settings.load(null));
        Path jar;
        try {
            jar = Paths.get(AttachCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (Exception e) {
            err.println("mcp-refresh attach: cannot tell where mcp-refresh.jar is; run it as java -jar mcp-refresh.jar");
            return 1;
        }
        try {
            VirtualMachine vm = VirtualMachine.attach(pid);
            try {
                vm.loadAgent(jar.toString(), String.join(",", agentArgs));
            } finally {
                vm.detach();
            }
        } catch (AttachNotSupportedException e) {
            err.println("mcp-refresh attach: cannot attach to process " + pid + ": " + e.getMessage()
                    + " (is it a JVM of the same user, started without -XX:+DisableAttachMechanism?)");
            return 1;
        } catch (AgentInitializationException | AgentLoadException e) {
            err.println("mcp-refresh attach: the JVM " + pid + " did not load the agent: " + e.getMessage()
                    + " (started with -XX:-EnableDynamicAgentLoading? then restart it with -javaagent)");
            return 1;
        } catch (IOException e) {
            err.println("mcp-refresh attach: cannot attach to process " + pid + " (" + e.getClass().getSimpleName()
                    + ": " + e.getMessage() + ")");
            return 1;
        } catch (NoClassDefFoundError e) {
            err.println("mcp-refresh attach: this Java has no attach support (module jdk.attach); run the command with"
                    + " a JDK's java");
            return 1;
        }
        out.println("attached mcp-refresh to process " + pid + "; its MCP transports take tokens from the store from"
                + " their next request (the agent's lines are in that process's stderr)");
        return 0;
    }
}
