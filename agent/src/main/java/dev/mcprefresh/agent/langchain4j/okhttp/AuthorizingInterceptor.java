package dev.mcprefresh.agent.langchain4j.okhttp;

import dev.mcprefresh.core.log.Log;
import dev.mcprefresh.core.oauth.WwwAuthenticate;
import dev.mcprefresh.core.session.Credentials;
import dev.mcprefresh.core.session.CredentialsByUrl;
import dev.mcprefresh.core.session.CredentialsRegistry;
import java.io.IOException;
import java.util.concurrent.ExecutionException;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * The OkHttp counterpart of the decorated java.net.http client, for LangChain4j's legacy HTTP+SSE transport: every
 * request to a stored MCP server (the SSE stream and the posted messages) carries exactly the current token, and a
 * 401 is answered by one refresh and one retry the transport never sees. Without a token the app gets the server's
 * 401 as it came. Compiled against OkHttp 4; used only when the app's OkHttp is the agent's too.
 */
public final class AuthorizingInterceptor implements Interceptor {
    private final CredentialsByUrl credentialsByUrl;

    private AuthorizingInterceptor(CredentialsRegistry registry) {
        this.credentialsByUrl = new CredentialsByUrl(registry, "OkHttp");
    }

    /** {@code client} with this interceptor added (OkHttp clients are immutable: a new one sharing its pools). */
    public static Object decorate(Object client, CredentialsRegistry registry) {
        return ((OkHttpClient) client).newBuilder().addInterceptor(new AuthorizingInterceptor(registry)).build();
    }

    @Override
    public Response intercept(Chain chain) throws IOException {
        Request request = chain.request();
        Credentials credentials;
        String header;
        try {
            credentials = credentialsByUrl.find(request.url().uri());
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
        if (response.code() != 401 || insufficientScope(response)
                || request.body() != null && request.body().isOneShot()) {
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
        if (replayed.code() == 401) {
            credentials.freshTokenRejected(fresh);
        }
        return replayed;
    }

    private static String current(Credentials credentials) throws InterruptedException, ExecutionException {
        String header = credentials.header();
        return header != null ? header : credentials.freshHeader().get();
    }

    private static boolean insufficientScope(Response response) {
        return "insufficient_scope".equals(WwwAuthenticate.param(response.headers("WWW-Authenticate"), "Bearer",
                "error"));
    }

    private static Request withHeader(Request request, String header) {
        return request.newBuilder().header("Authorization", header).build();
    }
}
