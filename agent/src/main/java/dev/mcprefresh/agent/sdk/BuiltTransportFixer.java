package dev.mcprefresh.agent.sdk;

import dev.mcprefresh.core.http.AuthorizingHttpClient;
import dev.mcprefresh.core.log.Log;
import dev.mcprefresh.core.http.RequestPolicy;
import dev.mcprefresh.core.log.LoggedUrl;
import dev.mcprefresh.core.session.CredentialsRegistry;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.net.http.HttpClient;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * After a late attach: a transport built before the agent came holds the undecorated {@code HttpClient} in a final
 * field. On its next send or connect, that field gets the decorated client, once; a transport whose server has no
 * store entry is remembered and left alone. Writing a final field is the last resort the design notes allow, and only
 * here: a transport built after the agent started is wired through its builder instead. Never throws.
 */
public final class BuiltTransportFixer implements Consumer<Object> {
    private static final ClassValue<Field[]> FIELDS = new ClassValue<>() {
        @Override
        protected Field[] computeValue(Class<?> type) {
            return resolve(type);
        }
    };

    private final Supplier<CredentialsRegistry> registry;
    /** Transports already looked at (fixed or without a store entry); weak, so closed transports go away. */
    private final Map<Object, Boolean> seen = Collections.synchronizedMap(new WeakHashMap<>());

    public BuiltTransportFixer(Supplier<CredentialsRegistry> registry) {
        this.registry = registry;
    }

    @Override
    public void accept(Object transport) {
        if (seen.containsKey(transport)) {
            return;
        }
        try {
            fix(transport);
        } catch (Throwable t) {
            Log.warn("could not fix an MCP transport built before the agent was attached ("
                    + transport.getClass().getName() + "); it works as it did", t);
        }
        seen.put(transport, Boolean.TRUE);
    }

    private void fix(Object transport) throws ReflectiveOperationException {
        Field[] f = FIELDS.get(transport.getClass());
        if (f == null) {
            return;
        }
        HttpClient client = (HttpClient) f[0].get(transport);
        if (client == null || client instanceof AuthorizingHttpClient) {
            return; // built after the agent started, through the builder hook
        }
        URI base = (URI) f[1].get(transport);
        String path = (String) f[2].get(transport);
        if (base == null) {
            return;
        }
        URI url = path == null || path.isEmpty() ? base : base.resolve(path);
        RequestPolicy policy = RequestPolicy.forTransport(registry.get(), url);
        if (policy == null) {
            Log.debug("no store entry for " + LoggedUrl.of(url) + "; that running transport is left as it is");
            return;
        }
        f[0].set(transport, AuthorizingHttpClient.wrap(client, policy));
        Log.info("a running MCP transport to " + LoggedUrl.of(url) + " now takes its tokens from "
                + policy.tokenSource());
    }

    /** httpClient, baseUri (URI) and endpoint or sseEndpoint; null (logged) when the class has other members. */
    private static Field[] resolve(Class<?> type) {
        try {
            Field client = type.getDeclaredField("httpClient");
            Field base = type.getDeclaredField("baseUri");
            Field path;
            try {
                path = type.getDeclaredField("endpoint");
            } catch (NoSuchFieldException e) {
                path = type.getDeclaredField("sseEndpoint");
            }
            if (client.getType() != HttpClient.class || base.getType() != URI.class || path.getType() != String.class
                    || Modifier.isStatic(client.getModifiers())) {
                throw new NoSuchFieldException("unexpected field types");
            }
            client.setAccessible(true);
            base.setAccessible(true);
            path.setAccessible(true);
            return new Field[] {client, base, path};
        } catch (NoSuchFieldException | RuntimeException e) {
            Log.warn("skipping running transports of " + type.getName() + ": it lacks the SDK's httpClient/baseUri/"
                    + "endpoint fields (a fork or an unsupported version?)");
            return null;
        }
    }
}
