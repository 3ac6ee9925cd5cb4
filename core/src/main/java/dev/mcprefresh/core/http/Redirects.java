package dev.mcprefresh.core.http;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.util.Locale;
import java.util.Optional;

/**
 * Redirects followed by the decorator itself, per the app's own redirect policy, so that each hop's Authorization
 * header is ours to decide: the same origin keeps it, a hop to another origin drops every Authorization header (as
 * browsers and curl do). The JDK client would carry the header to any origin on JDK 17. Methods change as the JDK's
 * own client changes them: 303, and 301/302 of a POST, become GET without a body; 307/308 keep method and body.
 */
final class Redirects {
    /** The JDK's own default limit (jdk.httpclient.redirects.retrylimit). */
    static final int MAX_HOPS = 5;

    private Redirects() {
    }

    /** Where a response with {@code status} and {@code location} sends the request under {@code policy}; null: stay. */
    static URI target(HttpClient.Redirect policy, URI from, int status, Optional<String> location) {
        if (policy == HttpClient.Redirect.NEVER || location.isEmpty()
                || !(status == 301 || status == 302 || status == 303 || status == 307 || status == 308)) {
            return null;
        }
        URI to;
        try {
            to = from.resolve(location.get().trim());
        } catch (IllegalArgumentException e) {
            return null;
        }
        String scheme = to.getScheme() == null ? "" : to.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || to.getHost() == null) {
            return null; // not a place the JDK's client could go either: the app gets the redirect
        }
        if (policy == HttpClient.Redirect.NORMAL && "https".equalsIgnoreCase(from.getScheme()) && scheme.equals("http")) {
            return null; // NORMAL never downgrades from HTTPS to HTTP
        }
        return to;
    }

    /** The next hop's method, as the JDK's client picks it. */
    static String method(int status, String method) {
        if (status == 303) {
            return method.equalsIgnoreCase("HEAD") ? method : "GET";
        }
        return (status == 301 || status == 302) && method.equalsIgnoreCase("POST") ? "GET" : method;
    }

    /** Whether the hop sends the body again (then it can only be followed with a body that can be sent twice). */
    static boolean keepsBody(int status, String method) {
        return method(status, method).equals(method) && !method.equalsIgnoreCase("GET")
                && !method.equalsIgnoreCase("HEAD");
    }

    /** The next hop's request: {@code to}, the method per status, and no Authorization header when {@code strip}. */
    static HttpRequest next(HttpRequest from, URI to, int status, boolean strip) {
        boolean keep = keepsBody(status, from.method());
        return new Hop(from, to, method(status, from.method()), keep ? from.bodyPublisher() : Optional.empty(), strip);
    }

    /**
     * The previous hop's request sent to another URI, perhaps as GET without a body, perhaps without Authorization.
     * Its headers are read from the previous hop's as the client asks for them, so a header another agent adds at send
     * time (trace context) is on this hop too.
     */
    private static final class Hop extends RequestView {
        private final URI uri;
        private final String method;
        private final Optional<BodyPublisher> body;
        private final boolean stripAuthorization;

        Hop(HttpRequest from, URI uri, String method, Optional<BodyPublisher> body, boolean stripAuthorization) {
            super(from);
            this.uri = uri;
            this.method = method;
            this.body = body;
            this.stripAuthorization = stripAuthorization;
        }

        @Override
        public URI uri() {
            return uri;
        }

        @Override
        public String method() {
            return method;
        }

        @Override
        public Optional<BodyPublisher> bodyPublisher() {
            return body;
        }

        @Override
        public HttpHeaders headers() {
            HttpHeaders previous = original().headers();
            return stripAuthorization ? HttpHeaders.of(previous.map(),
                    (name, value) -> !name.equalsIgnoreCase("Authorization")) : previous;
        }
    }
}
