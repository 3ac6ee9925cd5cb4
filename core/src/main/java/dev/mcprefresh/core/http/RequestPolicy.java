package dev.mcprefresh.core.http;

import dev.mcprefresh.core.session.Credentials;
import dev.mcprefresh.core.session.CredentialsRegistry;
import dev.mcprefresh.core.session.Origin;
import dev.mcprefresh.core.session.TransportCredentials;
import java.net.URI;
import java.util.List;

/**
 * The one request policy of every adapter (the java.net.http decorator, the OkHttp interceptor, the WebClient
 * filter), one per transport, so they cannot drift:
 * <ul>
 *   <li>a token goes only to the transport's own MCP server origin, and only for the identity the app's own header
 *       names ({@link TransportCredentials});</li>
 *   <li>a 401 from that origin causes one refresh and one replay, unless it asks for more scope (a refresh cannot
 *       widen scope: said once, with the scope to log in with); a 401 from any other origin causes nothing;</li>
 *   <li>a redirect hop to another origin carries no Authorization header at all.</li>
 * </ul>
 */
public final class RequestPolicy {
    private final URI transportUrl;
    private final Origin origin;
    private final TransportCredentials identities;
    private final InsufficientScopeNotice scopeNotice;

    RequestPolicy(URI transportUrl, Origin origin, TransportCredentials identities) {
        this.transportUrl = transportUrl;
        this.origin = origin;
        this.identities = identities;
        this.scopeNotice = new InsufficientScopeNotice(serverUrl());
    }

    /** The policy for a transport whose MCP URL is {@code url}, or null when the store has no entry for it. */
    public static RequestPolicy forTransport(CredentialsRegistry registry, URI url) {
        Origin origin = Origin.of(url);
        TransportCredentials identities = origin == null || registry == null ? null : registry.forTransport(url);
        return identities == null ? null : new RequestPolicy(url, origin, identities);
    }

    /** The same policy for another transport to the same URL, with its own identity binding and its own close. */
    public RequestPolicy forAnotherTransport() {
        return new RequestPolicy(transportUrl, origin, identities.forAnotherTransport());
    }

    /** The transport URL this policy was made for. */
    public URI transportUrl() {
        return transportUrl;
    }

    /**
     * The stored server URL whose entries this transport uses, for log lines and stand-down notes; the transport's
     * own URL while the store could not be read yet.
     */
    public String serverUrl() {
        String s = identities.serverUrl();
        return s != null ? s : transportUrl.toString();
    }

    /** Where this transport's tokens come from, for its log line. */
    public String tokenSource() {
        String s = identities.serverUrl();
        return s != null ? "the store entries for " + dev.mcprefresh.core.log.LoggedUrl.of(s)
                : "the token store once it can be read (it cannot now)";
    }

    /** Whether {@code uri} is on the transport's own MCP server origin. */
    public boolean ownOrigin(URI uri) {
        return origin.matches(uri);
    }

    /**
     * The credentials whose token a request gets, or null: send it exactly as the app built it (another origin, or an
     * identity the store does not hold). {@code appAuthorization}: the app's own header value, null for none.
     */
    public Credentials credentialsFor(URI requestUri, String appAuthorization) {
        return origin.matches(requestUri) ? identities.forHeader(appAuthorization) : null;
    }

    /**
     * Whether a response that came from {@code responseUri} calls for one refresh and a replay: a 401 from the own
     * origin that does not ask for more scope. Also says insufficient_scope once (on a 403 too).
     */
    public boolean refreshOn(int status, URI responseUri, List<String> challenges) {
        if (status != 401 && status != 403) {
            return false;
        }
        boolean moreScope = scopeNotice.check(challenges);
        return status == 401 && !moreScope && (responseUri == null || origin.matches(responseUri));
    }

    /**
     * The app closed the transport this policy serves: its grant is no longer kept alive for it. Never throws (it
     * runs inside the app's close).
     */
    public void transportClosed() {
        try {
            identities.close();
        } catch (RuntimeException e) {
            dev.mcprefresh.core.log.Log.debug("could not note a closed transport: " + e);
        }
    }

    /** Whether a redirect hop from {@code from} to {@code to} may keep the Authorization header: same origin only. */
    public static boolean keepsAuthorization(URI from, URI to) {
        Origin o = Origin.of(from);
        return o != null && o.matches(to);
    }
}
