package dev.mcprefresh.core.oauth;

import dev.mcprefresh.core.config.Setting;
import dev.mcprefresh.core.config.Settings;
import dev.mcprefresh.core.log.Log;
import dev.mcprefresh.core.log.ServerText;
import dev.mcprefresh.core.util.DaemonThreads;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;

/**
 * Our own HTTP calls to authorization servers and metadata endpoints. A plain JDK client that never follows
 * redirects (a redirect must not carry a refresh token or a client secret elsewhere) and never goes through the
 * decorated MCP clients, so no MCP bearer token can reach the authorization server. Authorization-server endpoints
 * must be HTTPS, except on loopback or when {@link Setting#ALLOW_INSECURE_HTTP} is set for development.
 */
public final class OAuthHttp {
    /** Token and metadata responses are small; anything larger is cut off rather than buffered. */
    static final int MAX_BODY = 1 << 20;

    private final Duration timeout;
    private final boolean allowInsecureHttp;
    private final Set<String> warnedInsecure = ConcurrentHashMap.newKeySet();
    /** Built at the first request: a JDK HttpClient costs a selector thread and TLS set-up, and most runs of an app
     * with fresh tokens never call the authorization server at start. */
    private volatile HttpClient client;

    public OAuthHttp(Duration timeout) {
        this(timeout, false);
    }

    public OAuthHttp(Duration timeout, boolean allowInsecureHttp) {
        this.timeout = timeout;
        this.allowInsecureHttp = allowInsecureHttp;
    }

    /** The client the settings describe; a bad timeout is a clear error for the caller to report. */
    public static OAuthHttp of(Settings settings) {
        return new OAuthHttp(settings.duration(Setting.HTTP_TIMEOUT_SECONDS), settings.allowInsecureHttp());
    }

    private HttpClient client() {
        HttpClient c = client;
        if (c == null) {
            synchronized (this) {
                c = client;
                if (c == null) {
                    // The first request may come from an app's thread. On JDK 17 the client's selector thread (which
                    // lives as long as the client) and its default workers would keep that thread's context class
                    // loader and access control context, so an app's class loader after its redeployment. Workers
                    // idle for a minute end; the client is the only reference to the pool.
                    c = DaemonThreads.detached(() -> HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
                            .connectTimeout(timeout).version(HttpClient.Version.HTTP_1_1)
                            .executor(Executors.newCachedThreadPool(DaemonThreads.factory("oauth-http"))).build());
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
        /** The server sent more than {@link #MAX_BODY} bytes; the rest was not read. */
        public final boolean truncated;

        Response(int status, java.net.http.HttpHeaders headers, byte[] body, boolean truncated) {
            this.status = status;
            this.headers = headers;
            this.body = body;
            this.truncated = truncated;
        }

        /** The Content-Type's media type, printable and bounded (it is the server's text), or "no content type". */
        public String mediaType() {
            String type = headers.firstValue("Content-Type").orElse("no content type");
            int semicolon = type.indexOf(';');
            return ServerText.safe((semicolon >= 0 ? type.substring(0, semicolon) : type).trim());
        }
    }

    /** Thrown before anything is sent to a plain-HTTP authorization-server endpoint on another host. */
    public static final class InsecureEndpointException extends IOException {
        InsecureEndpointException(String message) {
            super(message);
        }
    }

    /**
     * HTTPS, or plain HTTP on loopback (a local authorization server never leaves the machine), or plain HTTP
     * anywhere when the development setting says so, announced once per origin.
     */
    private void requireSecure(URI uri) throws InsecureEndpointException {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (scheme.equals("https") || scheme.equals("http") && isLoopback(uri.getHost())) {
            return;
        }
        String origin = scheme + "://" + uri.getRawAuthority();
        if (!scheme.equals("http")) {
            throw new InsecureEndpointException(ServerText.safe(origin) + " is not an http(s) URL");
        }
        if (!allowInsecureHttp) {
            throw new InsecureEndpointException("refusing to send OAuth requests to " + ServerText.safe(origin)
                    + " over plain HTTP: authorization servers must use HTTPS (off loopback); for development only, set "
                    + Setting.ALLOW_INSECURE_HTTP.key() + "=true");
        }
        if (warnedInsecure.add(origin)) {
            Log.warn("SENDING OAUTH REQUESTS TO " + ServerText.safe(origin) + " OVER PLAIN HTTP because "
                    + Setting.ALLOW_INSECURE_HTTP.key() + "=true: refresh tokens and client secrets cross the network"
                    + " unencrypted; use this for development only");
        }
    }

    /** Literal loopback names only: no DNS lookup decides where a secret goes. */
    static boolean isLoopback(String host) {
        if (host == null) {
            return false;
        }
        String h = host.toLowerCase(Locale.ROOT);
        if (h.equals("localhost") || h.equals("[::1]") || h.equals("::1")) {
            return true;
        }
        if (!h.startsWith("127.")) {
            return false;
        }
        for (int i = 0; i < h.length(); i++) {
            char c = h.charAt(i);
            if (c != '.' && (c < '0' || c > '9')) {
                return false;
            }
        }
        return true;
    }

    public Response postForm(URI uri, Map<String, String> form, String authorization) throws IOException {
        requireSecure(uri);
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
        requireSecure(uri);
        return send(HttpRequest.newBuilder(uri).timeout(timeout).header("Content-Type", "application/json")
                .header("Accept", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(json)).build());
    }

    /** A metadata document: HTTPS like every authorization-server request, since it names where secrets go. */
    public Response get(URI uri, String accept) throws IOException {
        requireSecure(uri);
        return send(HttpRequest.newBuilder(uri).timeout(timeout).header("Accept", accept).GET().build());
    }

    /**
     * Status and headers only; the body is not read (the URL may be an endless event stream). Used on the MCP URL
     * the user gave, with no credentials, so plain HTTP is allowed.
     */
    public Response probe(URI uri, String accept) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout).header("Accept", accept).GET().build();
        try {
            HttpResponse<InputStream> r = client().send(request, HttpResponse.BodyHandlers.ofInputStream());
            r.body().close();
            return new Response(r.statusCode(), r.headers(), new byte[0], false);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
    }

    private Response send(HttpRequest request) throws IOException {
        try {
            HttpResponse<InputStream> r = client().send(request, HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = r.body()) {
                byte[] body = in.readNBytes(MAX_BODY + 1);
                boolean truncated = body.length > MAX_BODY;
                return new Response(r.statusCode(), r.headers(), truncated ? Arrays.copyOf(body, MAX_BODY) : body,
                        truncated);
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
