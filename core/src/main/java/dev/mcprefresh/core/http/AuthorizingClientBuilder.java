package dev.mcprefresh.core.http;

import java.lang.reflect.InvocationTargetException;
import java.net.Authenticator;
import java.net.CookieHandler;
import java.net.InetAddress;
import java.net.ProxySelector;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.concurrent.Executor;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * An {@link HttpClient.Builder} that builds the app's client as configured, except that redirects are left to the
 * decorator, and wraps it in an {@link AuthorizingHttpClient}. Put in place of an MCP transport builder's client
 * builder, so the transport's one {@code HttpClient} is the decorated one without touching any final field.
 */
public final class AuthorizingClientBuilder implements HttpClient.Builder {
    private final HttpClient.Builder delegate;
    private final RequestPolicy policy;
    /** The app's redirect policy when set through this builder (null: whatever the app's builder had). */
    private HttpClient.Redirect appRedirect;

    public AuthorizingClientBuilder(HttpClient.Builder delegate, RequestPolicy policy) {
        this.delegate = delegate;
        this.policy = policy;
    }

    /**
     * The policy its clients follow, as a template: each client built gets a copy of its own (a reused builder keeps
     * it only while its transport URL stays the same).
     */
    public RequestPolicy policy() {
        return policy;
    }

    /** The app's own builder, to re-wrap for another server. */
    public HttpClient.Builder delegate() {
        return delegate;
    }

    /**
     * The app's client, built with redirects off: the decorator follows them by the app's policy. The app's builder
     * has no getter for its policy, so a client built as configured tells it; the builder gets its policy back.
     */
    @Override
    public HttpClient build() {
        // Each client (one per transport: builders are reused) binds its own identity and has its own close; the
        // builder's own policy stays a template that no transport holds, so nothing outlives a dropped transport.
        RequestPolicy policy = this.policy.forAnotherTransport();
        HttpClient.Redirect redirect = appRedirect;
        HttpClient asConfigured = null;
        if (redirect == null) {
            asConfigured = delegate.build();
            redirect = asConfigured.followRedirects();
        }
        if (redirect == HttpClient.Redirect.NEVER && asConfigured != null) {
            return AuthorizingHttpClient.wrapNonFollowing(asConfigured, policy, redirect);
        }
        try {
            return AuthorizingHttpClient.wrapNonFollowing(delegate.followRedirects(HttpClient.Redirect.NEVER).build(),
                    policy, redirect);
        } finally {
            delegate.followRedirects(redirect);
        }
    }

    @Override
    public HttpClient.Builder cookieHandler(CookieHandler cookieHandler) {
        delegate.cookieHandler(cookieHandler);
        return this;
    }

    @Override
    public HttpClient.Builder connectTimeout(Duration duration) {
        delegate.connectTimeout(duration);
        return this;
    }

    @Override
    public HttpClient.Builder sslContext(SSLContext sslContext) {
        delegate.sslContext(sslContext);
        return this;
    }

    @Override
    public HttpClient.Builder sslParameters(SSLParameters sslParameters) {
        delegate.sslParameters(sslParameters);
        return this;
    }

    @Override
    public HttpClient.Builder executor(Executor executor) {
        delegate.executor(executor);
        return this;
    }

    @Override
    public HttpClient.Builder followRedirects(HttpClient.Redirect policy) {
        appRedirect = java.util.Objects.requireNonNull(policy);
        return this;
    }

    @Override
    public HttpClient.Builder version(HttpClient.Version version) {
        delegate.version(version);
        return this;
    }

    @Override
    public HttpClient.Builder priority(int priority) {
        delegate.priority(priority);
        return this;
    }

    @Override
    public HttpClient.Builder proxy(ProxySelector proxySelector) {
        delegate.proxy(proxySelector);
        return this;
    }

    @Override
    public HttpClient.Builder authenticator(Authenticator authenticator) {
        delegate.authenticator(authenticator);
        return this;
    }

    /** JDK 19+ method; on 17 a plain method. Reached reflectively so the real builder keeps the setting. */
    public HttpClient.Builder localAddress(InetAddress address) {
        try {
            HttpClient.Builder.class.getMethod("localAddress", InetAddress.class).invoke(delegate, address);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException) {
                throw (RuntimeException) e.getCause();
            }
            throw new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new UnsupportedOperationException("localAddress");
        }
        return this;
    }
}
