package dev.mcprefresh.core.http;

import dev.mcprefresh.core.session.Credentials;
import java.lang.reflect.InvocationTargetException;
import java.net.Authenticator;
import java.net.CookieHandler;
import java.net.InetAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.concurrent.Executor;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * An {@link HttpClient.Builder} that builds the app's client exactly as configured and wraps it in an
 * {@link AuthorizingHttpClient}. Put in place of an MCP transport builder's client builder, so the transport's one
 * {@code HttpClient} is the decorated one without touching any final field.
 */
public final class AuthorizingClientBuilder implements HttpClient.Builder {
    private final HttpClient.Builder delegate;
    private final Credentials credentials;
    private final URI serverUrl;

    public AuthorizingClientBuilder(HttpClient.Builder delegate, Credentials credentials, URI serverUrl) {
        this.delegate = delegate;
        this.credentials = credentials;
        this.serverUrl = serverUrl;
    }

    @Override
    public HttpClient build() {
        return AuthorizingHttpClient.wrap(delegate.build(), credentials, serverUrl);
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
        delegate.followRedirects(policy);
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
