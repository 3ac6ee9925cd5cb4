package dev.mcprefresh.agent.langchain4j.okhttp;

import dev.mcprefresh.core.http.RequestPolicy;
import dev.mcprefresh.core.log.Log;
import dev.mcprefresh.core.session.Credentials;
import java.io.IOException;
import java.util.concurrent.ExecutionException;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * The OkHttp counterpart of the decorated java.net.http client, for LangChain4j's legacy HTTP+SSE transport, under the
 * same {@link RequestPolicy}: every request to the transport's MCP server origin (the SSE stream and the posted
 * messages) carries exactly the current token of the identity the app's header names, and a 401 from that origin is
 * answered by one refresh and one retry the transport never sees. OkHttp follows redirects below this interceptor and
 * itself drops the Authorization header on a hop to another host, port or scheme; a 401 that came from another
 * origin causes no refresh. Without a token the app gets the server's 401 as it came. Compiled against OkHttp 4; used
 * only when the app's OkHttp is the agent's too.
 */
public final class AuthorizingInterceptor implements Interceptor {
    private final RequestPolicy policy;

    private AuthorizingInterceptor(RequestPolicy policy) {
        this.policy = policy;
    }

    /** {@code client} with this interceptor added (OkHttp clients are immutable: a new one sharing its pools). */
    public static Object decorate(Object client, RequestPolicy policy) {
        OkHttpClient decorated = ((OkHttpClient) client).newBuilder().addInterceptor(new AuthorizingInterceptor(policy))
                .build();
        dev.mcprefresh.core.http.DecoratedClients.remember(decorated, policy); // so the transport's close finds it
        return decorated;
    }

    @Override
    public Response intercept(Chain chain) throws IOException {
        Request request = chain.request();
        Credentials credentials;
        String header;
        try {
            credentials = policy.credentialsFor(request.url().uri(), request.header("Authorization"));
            header = credentials == null ? null : current(credentials);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for a token");
        } catch (Throwable t) {
            Log.warn("could not authorize a request; it goes out as the app built it", t);
            return chain.proceed(request);
        }
        if (header == null) {
            return chain.proceed(request);
        }
        Response response = chain.proceed(withHeader(request, header));
        if (!refreshOn(response) || request.body() != null && request.body().isOneShot()) {
            return response;
        }
        String fresh;
        try {
            fresh = credentials.onUnauthorized(header).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return response;
        } catch (ExecutionException | RuntimeException e) {
            return response;
        }
        if (fresh == null) {
            return response; // the app gets the server's 401, body unread
        }
        response.close();
        Response replayed = chain.proceed(withHeader(request, fresh));
        if (replayed.code() == 401 && policy.ownOrigin(replayed.request().url().uri())) {
            credentials.freshTokenRejected(fresh);
        }
        return replayed;
    }

    private boolean refreshOn(Response response) {
        try {
            return policy.refreshOn(response.code(), response.request().url().uri(),
                    response.headers("WWW-Authenticate"));
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static String current(Credentials credentials) throws InterruptedException, ExecutionException {
        String header = credentials.header();
        return header != null ? header : credentials.freshHeader().get();
    }

    private static Request withHeader(Request request, String header) {
        return request.newBuilder().header("Authorization", header).build();
    }
}
