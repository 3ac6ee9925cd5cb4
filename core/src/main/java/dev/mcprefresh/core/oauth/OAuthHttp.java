package dev.mcprefresh.core.oauth;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Our own HTTP calls to authorization servers and metadata endpoints. A plain JDK client that never follows
 * redirects (a redirect must not carry a refresh token or a client secret elsewhere) and never goes through the
 * decorated MCP clients, so no MCP bearer token can reach the authorization server.
 */
public final class OAuthHttp {
    /** Token and metadata responses are small; anything larger is cut off rather than buffered. */
    static final int MAX_BODY = 1 << 20;

    private final Duration timeout;
    /** Built at the first request: a JDK HttpClient costs a selector thread and TLS set-up, and most runs of an app
     * with fresh tokens never call the authorization server at start. */
    private volatile HttpClient client;

    public OAuthHttp(Duration timeout) {
        this.timeout = timeout;
    }

    private HttpClient client() {
        HttpClient c = client;
        if (c == null) {
            synchronized (this) {
                c = client;
                if (c == null) {
                    c = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).connectTimeout(timeout)
                            .version(HttpClient.Version.HTTP_1_1).build();
                    client = c;
                }
            }
        }
        return c;
    }

    /** Status, headers and at most {@link #MAX_BODY} bytes of body. */
    public static final class Response {
        public final int status;
        public final java.net.http.HttpHeaders headers;
        public final byte[] body;

        Response(int status, java.net.http.HttpHeaders headers, byte[] body) {
            this.status = status;
            this.headers = headers;
            this.body = body;
        }
    }

    public Response postForm(URI uri, Map<String, String> form, String authorization) throws IOException {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(timeout)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(formEncode(form)));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return send(b.build());
    }

    /** A JSON POST (dynamic client registration, RFC 7591). */
    public Response postJson(URI uri, byte[] json) throws IOException {
        return send(HttpRequest.newBuilder(uri).timeout(timeout).header("Content-Type", "application/json")
                .header("Accept", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(json)).build());
    }

    public Response get(URI uri, String accept) throws IOException {
        return send(HttpRequest.newBuilder(uri).timeout(timeout).header("Accept", accept).GET().build());
    }

    /** Status and headers only; the body is not read (the URL may be an endless event stream). */
    public Response probe(URI uri, String accept) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout).header("Accept", accept).GET().build();
        try {
            HttpResponse<InputStream> r = client().send(request, HttpResponse.BodyHandlers.ofInputStream());
            r.body().close();
            return new Response(r.statusCode(), r.headers(), new byte[0]);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
    }

    private Response send(HttpRequest request) throws IOException {
        try {
            HttpResponse<InputStream> r = client().send(request, HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = r.body()) {
                return new Response(r.statusCode(), r.headers(), in.readNBytes(MAX_BODY));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
    }

    /** application/x-www-form-urlencoded, skipping null values: request bodies and authorization URL queries. */
    public static String formEncode(Map<String, String> form) {
        StringJoiner j = new StringJoiner("&");
        for (Map.Entry<String, String> e : form.entrySet()) {
            if (e.getValue() != null) {
                j.add(urlEncode(e.getKey()) + "=" + urlEncode(e.getValue()));
            }
        }
        return j.toString();
    }

    static String urlEncode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
