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
import io.ktor.http.URLBuilder;
import io.ktor.http.URLUtilsKt;
import io.ktor.http.content.OutgoingContent;
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
 * identity the store does not hold, go out exactly as the app built them; a body read from a channel is never
 * replayed. One interceptor per client, holding the policy of the latest transport to each MCP URL; when one client
 * serves several MCP servers on one origin (a gateway), a request falls under the server whose URL path is the longest
 * prefix of its own, and goes out as built when none is.
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
    /** Transport URL -> the policy of the latest transport to it on this client. */
    private final Map<URI, RequestPolicy> policies = new ConcurrentHashMap<>();

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
        interceptor.policies.put(policy.transportUrl(), policy);
    }

    /**
     * The policy a request to {@code uri} falls under: the only one for its origin, or, when one client serves several
     * MCP servers on one origin (a gateway), the one whose transport URL's path is the longest prefix of the request's;
     * null (sent as built) when none is, since which server's token it needs cannot be told.
     */
    private RequestPolicy policyFor(URI uri) {
        RequestPolicy only = null;
        int onOrigin = 0;
        RequestPolicy byPath = null;
        int longest = -1;
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        for (RequestPolicy p : policies.values()) {
            if (!p.ownOrigin(uri)) {
                continue;
            }
            onOrigin++;
            only = p;
            String prefix = p.transportUrl().getRawPath() == null ? "" : p.transportUrl().getRawPath();
            if (path.startsWith(prefix) && prefix.length() > longest) {
                byPath = p;
                longest = prefix.length();
            }
        }
        return onOrigin == 1 ? only : byPath;
    }

    /** {@code suspend Sender.(HttpRequestBuilder) -> HttpClientCall}. */
    @Override
    public Object invoke(Object senderArg, Object requestArg, Object continuation) {
        Sender sender = (Sender) senderArg;
        HttpRequestBuilder request = (HttpRequestBuilder) requestArg;
        @SuppressWarnings("unchecked")
        Continuation<Object> caller = (Continuation<Object>) continuation;
        Exchange exchange = null;
        HttpRequestBuilder authorized = null;
        try {
            // buildString() completes a URL builder's missing parts: read a copy, not the app's own
            URI uri = URI.create(URLUtilsKt.takeFrom(new URLBuilder(), request.getUrl()).buildString());
            RequestPolicy policy = policyFor(uri);
            Credentials credentials = policy == null ? null
                    : policy.credentialsFor(uri, request.getHeaders().get("Authorization"));
            String header = credentials == null ? null : current(credentials);
            if (header != null) {
                exchange = new Exchange(sender, request, policy, credentials, header);
                authorized = exchange.authorized(header);
            }
        } catch (Throwable t) {
            Log.warn("could not authorize a request; it goes out as the app built it", t);
            exchange = null;
        }
        if (exchange == null) { // outside the try: the app's own send failing is the app's, and is never sent twice
            return sender.execute(request, caller);
        }
        Object call = sender.execute(authorized, new Resumption(caller, exchange::afterFirst));
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
            HttpRequestBuilder replay;
            try {
                URI answeredBy = URI.create(call.getRequest().getUrl().toString()); // after Ktor's redirects
                int status = call.getResponse().getStatus().getValue();
                if (!policy.refreshOn(status, answeredBy,
                        call.getResponse().getHeaders().getAll("WWW-Authenticate"))) {
                    return call;
                }
                if (request.getBody() instanceof OutgoingContent.ReadChannelContent) {
                    return call; // a body read from a channel cannot be sent twice
                }
                fresh = await(credentials.onUnauthorized(sent));
                if (fresh == null) {
                    return call; // the app gets the server's own 401
                }
                replay = authorized(fresh);
            } catch (Throwable t) {
                Log.warn("could not handle a 401; the app gets it as the server sent it", t);
                return call;
            }
            replayedWith = fresh;
            Object replayed = sender.execute(replay, new Resumption(caller, this::afterReplay));
            return replayed == IntrinsicsKt.getCOROUTINE_SUSPENDED() ? replayed : afterReplay(replayed, caller);
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
