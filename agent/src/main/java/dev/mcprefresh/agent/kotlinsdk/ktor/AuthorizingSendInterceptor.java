package dev.mcprefresh.agent.kotlinsdk.ktor;

import dev.mcprefresh.core.http.RequestPolicy;
import dev.mcprefresh.core.log.Log;
import dev.mcprefresh.core.session.Credentials;
import io.ktor.client.HttpClient;
import io.ktor.client.call.HttpClientCall;
import io.ktor.client.plugins.HttpClientPluginKt;
import io.ktor.client.plugins.HttpSend;
import io.ktor.client.plugins.Sender;
import io.ktor.client.request.HttpRequestBuilder;
import java.net.URI;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import kotlin.coroutines.Continuation;
import kotlin.coroutines.intrinsics.IntrinsicsKt;
import kotlin.jvm.functions.Function3;

/**
 * The Ktor counterpart of the decorated java.net.http client: an {@code HttpSend} interceptor on the app's Ktor
 * {@code HttpClient}. Ktor wraps interceptors in the order they were added, so this one, added after Ktor's own
 * (redirect, retry, Auth), is innermost: it sees every request after every plugin, {@code DefaultRequest} and the
 * transport's {@code requestBuilder} have set their headers, and each redirect hop and each retry on its own. A request
 * to the origin of an MCP server a transport of this client serves goes out as a copy carrying exactly the current
 * token of the identity the app's header names (replacing any Authorization header); the app's own request builder is
 * left as the app built it, so a redirect hop Ktor builds from it never carries the agent's token. A 401 from that
 * origin is answered by one refresh and one replay the app never sees. Requests to any other origin, and with an
 * identity the store does not hold, go out exactly as the app built them. One interceptor per client, holding each
 * served server's policy (the latest transport's).
 *
 * <p>A Kotlin suspend function written in Java: {@link #invoke} returns the call or {@code COROUTINE_SUSPENDED}, in
 * which case {@link Resumption} carries the result on. Waiting for a token blocks the coroutine's thread, as the
 * blocking parts of Ktor's own engines do; the store hands out a valid token without waiting on the usual path (the
 * refresh runs early, in the background).
 *
 * <p>Compiled against Ktor 3 client core and used only through {@code KtorClients}, which defines it beside the app's
 * Ktor when the agent's loader cannot see it.
 */
public final class AuthorizingSendInterceptor implements Function3<Object, Object, Object, Object> {
    private static final Map<HttpClient, AuthorizingSendInterceptor> INSTALLED = new WeakHashMap<>();
    /** Server URL -> the policy of the latest transport to it on this client. */
    private final Map<String, RequestPolicy> policies = new ConcurrentHashMap<>();

    private AuthorizingSendInterceptor() {
    }

    /**
     * Serves {@code client}'s requests to {@code policy}'s server with its tokens: adds the interceptor to the client
     * the first time, then only the policy. {@code client}: an {@code io.ktor.client.HttpClient}.
     */
    public static void serve(Object client, RequestPolicy policy) {
        HttpClient ktor = (HttpClient) client;
        AuthorizingSendInterceptor interceptor;
        synchronized (INSTALLED) {
            interceptor = INSTALLED.get(ktor);
            if (interceptor == null) {
                interceptor = new AuthorizingSendInterceptor();
                HttpSend send = HttpClientPluginKt.plugin(ktor, HttpSend.Plugin);
                send.intercept(interceptor);
                INSTALLED.put(ktor, interceptor);
            }
        }
        interceptor.policies.put(policy.serverUrl(), policy);
    }

    /** {@code suspend Sender.(HttpRequestBuilder) -> HttpClientCall}. */
    @Override
    public Object invoke(Object senderArg, Object requestArg, Object continuation) {
        Sender sender = (Sender) senderArg;
        HttpRequestBuilder request = (HttpRequestBuilder) requestArg;
        @SuppressWarnings("unchecked")
        Continuation<Object> caller = (Continuation<Object>) continuation;
        Credentials credentials;
        String header;
        RequestPolicy policy;
        try {
            URI uri = URI.create(request.getUrl().buildString());
            String appHeader = request.getHeaders().get("Authorization");
            policy = null;
            credentials = null;
            for (RequestPolicy p : policies.values()) {
                credentials = p.credentialsFor(uri, appHeader);
                if (credentials != null) {
                    policy = p;
                    break;
                }
            }
            header = credentials == null ? null : current(credentials);
        } catch (Throwable t) {
            Log.warn("could not authorize a request; it goes out as the app built it", t);
            return sender.execute(request, caller);
        }
        if (header == null) {
            return sender.execute(request, caller);
        }
        Exchange exchange = new Exchange(sender, request, policy, credentials, header);
        Object call = sender.execute(exchange.authorized(header), new Resumption(caller, exchange::afterFirst));
        return call == IntrinsicsKt.getCOROUTINE_SUSPENDED() ? call : exchange.afterFirst(call, caller);
    }

    /** The header to send now: the valid one, else one after a refresh; null when none can be had. */
    private static String current(Credentials credentials) {
        String header = credentials.header();
        return header != null ? header : await(credentials.freshHeader());
    }

    private static String await(CompletableFuture<String> future) {
        try {
            return future.join();
        } catch (RuntimeException e) {
            return null; // the token endpoint's failure is logged where it happened
        }
    }

    /** One request and, after a 401 the policy calls for, its one replay. */
    private static final class Exchange {
        private final Sender sender;
        private final HttpRequestBuilder request;
        private final RequestPolicy policy;
        private final Credentials credentials;
        private final String sent;
        private volatile String replayedWith;

        Exchange(Sender sender, HttpRequestBuilder request, RequestPolicy policy, Credentials credentials,
                String sent) {
            this.sender = sender;
            this.request = request;
            this.policy = policy;
            this.credentials = credentials;
            this.sent = sent;
        }

        /** A copy of the app's request, with the same body and execution context, carrying {@code header}. */
        HttpRequestBuilder authorized(String header) {
            HttpRequestBuilder copy = new HttpRequestBuilder().takeFromWithExecutionContext(request);
            copy.getHeaders().set("Authorization", header);
            return copy;
        }

        /** The first answer: the call itself, or the replay's (maybe COROUTINE_SUSPENDED). */
        Object afterFirst(Object result, Continuation<Object> caller) {
            HttpClientCall call = (HttpClientCall) result;
            String fresh;
            try {
                URI answeredBy = URI.create(call.getRequest().getUrl().toString()); // after Ktor's redirects
                int status = call.getResponse().getStatus().getValue();
                if (!policy.refreshOn(status, answeredBy,
                        call.getResponse().getHeaders().getAll("WWW-Authenticate"))) {
                    return call;
                }
                fresh = await(credentials.onUnauthorized(sent));
            } catch (Throwable t) {
                Log.warn("could not handle a 401; the app gets it as the server sent it", t);
                return call;
            }
            if (fresh == null) {
                return call; // the app gets the server's own 401
            }
            replayedWith = fresh;
            Object replay = sender.execute(authorized(fresh), new Resumption(caller, this::afterReplay));
            return replay == IntrinsicsKt.getCOROUTINE_SUSPENDED() ? replay : afterReplay(replay, caller);
        }

        Object afterReplay(Object result, Continuation<Object> caller) {
            HttpClientCall call = (HttpClientCall) result;
            try {
                if (call.getResponse().getStatus().getValue() == 401
                        && policy.ownOrigin(URI.create(call.getRequest().getUrl().toString()))) {
                    credentials.freshTokenRejected(replayedWith);
                }
            } catch (Throwable t) {
                Log.warn("could not note a refused fresh token", t);
            }
            return call;
        }
    }
}
