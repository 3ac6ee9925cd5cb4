package dev.mcprefresh.agent.library;

import dev.mcprefresh.core.http.RequestPolicy;
import dev.mcprefresh.core.log.Log;
import dev.mcprefresh.core.log.LoggedUrl;
import dev.mcprefresh.core.session.CredentialsRegistry;
import dev.mcprefresh.core.session.Origin;
import java.net.URI;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The steps every library's hook takes with one transport or transport builder, in order: its MCP URL; the store
 * entry for that server (none: left alone); whether the app already manages tokens for it (stand down, said once per
 * server); attach; one log line. Anything that throws leaves the target as the app built it, with one warning. A
 * library says where the URL is, how the app's own token management shows, and how to attach.
 */
public abstract class TransportHook {
    /** What the target is, in log lines: "MCP transport", "LangChain4j MCP transport", ... */
    private final String what;
    private final Supplier<CredentialsRegistry> registry;
    private final Set<String> stoodDownFor = ConcurrentHashMap.newKeySet();

    protected TransportHook(String what, Supplier<CredentialsRegistry> registry) {
        this.what = what;
        this.registry = registry;
    }

    /** Runs the steps for {@code target}; the policy it attached, or null. Never throws. */
    protected final RequestPolicy serve(Object target) {
        try {
            if (!prepare(target)) {
                return null;
            }
            URI url = transportUrl(target);
            if (url == null || Origin.of(url) == null) {
                Log.debug("a " + what + " has no absolute http(s) URL; it is left as it is");
                return null;
            }
            RequestPolicy policy = RequestPolicy.forTransport(registry.get(), url);
            if (policy == null) {
                Log.debug("no store entry for " + LoggedUrl.of(url) + "; that " + what + " is left as it is");
                return null;
            }
            String appsOwn = appManagedTokens(target);
            if (appsOwn != null) {
                if (stoodDownFor.add(policy.serverUrl())) {
                    Log.info(standDownLine(LoggedUrl.of(url), appsOwn));
                }
                return null;
            }
            if (!attach(target, policy)) {
                return null;
            }
            Log.info(attachedLine(LoggedUrl.of(url), policy.tokenSource()));
            return policy;
        } catch (Throwable t) {
            Log.warn("could not prepare a " + what + " (" + target.getClass().getName()
                    + "); it works as it would without the agent", t);
            return null;
        }
    }

    /**
     * Readies the target before the steps (a reused builder loses what the agent gave it for another server); false
     * when there is nothing to do with it.
     */
    protected boolean prepare(Object target) throws ReflectiveOperationException {
        return true;
    }

    /** The MCP URL the target sends to, or null. */
    protected abstract URI transportUrl(Object target) throws ReflectiveOperationException;

    /** What in the target already manages its tokens (the app's own provider), or null. */
    protected String appManagedTokens(Object target) throws ReflectiveOperationException {
        return null;
    }

    /** Gives the target the policy's tokens; false when it could not (said by the library, once). */
    protected abstract boolean attach(Object target, RequestPolicy policy) throws ReflectiveOperationException;

    protected String attachedLine(String url, String tokenSource) {
        return what + " to " + url + " takes its tokens from " + tokenSource;
    }

    protected String standDownLine(String url, String appsOwn) {
        return "the app's " + what + " to " + url + " already gets its tokens from " + appsOwn
                + ", which refreshes them: the agent leaves that transport alone";
    }
}
