package dev.mcprefresh.core.http;

import java.net.http.HttpClient;

/**
 * A client configured like an already built one, but that never follows redirects: the decorator must see each hop
 * to decide its Authorization header. Built from the public getters (cookies, timeouts, proxy, TLS, authenticator,
 * version, executor); a priority or local address given to the original's builder cannot be read back and is not
 * carried over. Closing the decorated client closes the original too (it may stay reachable from the app's object).
 */
final class NoRedirectTwin {
    private NoRedirectTwin() {
    }

    static HttpClient of(HttpClient original) {
        HttpClient.Builder b = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
                .sslContext(original.sslContext()).sslParameters(original.sslParameters()).version(original.version());
        original.cookieHandler().ifPresent(b::cookieHandler);
        original.connectTimeout().ifPresent(b::connectTimeout);
        original.proxy().ifPresent(b::proxy);
        original.authenticator().ifPresent(b::authenticator);
        original.executor().ifPresent(b::executor);
        return b.build();
    }
}
