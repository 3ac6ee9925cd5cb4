package dev.mcprefresh.core.session;

import dev.mcprefresh.core.log.Log;
import dev.mcprefresh.core.log.LoggedUrl;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One transport's tie to its stored MCP server: which identity's {@link Credentials} a request gets, decided by the
 * Authorization header the app set ({@link IdentityPolicy}). The decision is made once per header value, not per
 * request. Once the transport has sent as an identity it never sends as another: a later header that would choose
 * another identity is left as the app built it. A request left alone because the store lacked its identity is looked
 * at again once the store changes (a login since).
 */
public final class TransportCredentials {
    /** Header values remembered per transport; an app that rotates its own token adds one per rotation. */
    private static final int MAX_REMEMBERED = 32;
    private static final String NO_HEADER = "";

    private final CredentialsRegistry registry;
    /** Null until the store could be read (then set once, or never when no stored server covers the transport). */
    private volatile String serverUrl;
    private final String transportUrl;
    private final URI transportUri;
    private final Map<String, Choice> choices = new ConcurrentHashMap<>();
    private volatile Choice last;
    private volatile String boundEntryId;
    private volatile Credentials boundCredentials;
    private volatile boolean closed;

    TransportCredentials(CredentialsRegistry registry, String serverUrl, URI transportUrl) {
        this.registry = registry;
        this.serverUrl = serverUrl;
        this.transportUrl = LoggedUrl.of(transportUrl);
        this.transportUri = transportUrl;
    }

    /**
     * A binding of its own for another transport to the same URL (each client a transport builder builds): its own
     * identity decision, and its own close.
     */
    public TransportCredentials forAnotherTransport() {
        return new TransportCredentials(registry, serverUrl, transportUri);
    }

    /** The stored server URL this transport belongs to; null while the store could not be read yet. */
    public String serverUrl() {
        return serverUrl;
    }

    /** The transport's URL as log lines show it. */
    public String transportUrl() {
        return transportUrl;
    }

    /**
     * The credentials for a request that carries {@code appAuthorization} (the app's own header value, null when it
     * set none), or null: leave the request exactly as the app built it.
     */
    public Credentials forHeader(String appAuthorization) {
        String key = appAuthorization == null ? NO_HEADER : appAuthorization;
        Choice c = last;
        if (c == null || (c.header != key && !c.header.equals(key))) {
            c = choices.get(key);
        }
        if (c != null && (c.credentials != null || c.snapshot == registry.snapshot())) {
            if (last != c) {
                last = c; // written only on a change: every request of every thread reads it
            }
            return c.credentials;
        }
        return decide(key);
    }

    private synchronized Credentials decide(String key) {
        CredentialsRegistry.Snapshot snapshot = registry.snapshot();
        if (snapshot == null) {
            return remember(key, null, null); // looked at again once the store could be read
        }
        if (serverUrl == null) {
            serverUrl = ServerMatcher.find(snapshot.records, transportUri).serverUrl;
            if (serverUrl == null) {
                return remember(key, null, snapshot); // no stored server covers it: looked at again on a change
            }
            Log.info("the token store can be read now: MCP requests to " + transportUrl + " get the tokens of the"
                    + " store entries for " + LoggedUrl.of(serverUrl));
        }
        IdentityPolicy.Decision d = IdentityPolicy.decide(snapshot.forServer(serverUrl),
                key == NO_HEADER ? null : key, registry.strictIdentity());
        Credentials chosen = null;
        if (d.entry != null) {
            String bound = boundEntryId;
            if (bound == null || bound.equals(d.entry.id())) {
                chosen = registry.credentials(d.entry);
                boundEntryId = d.entry.id(); // only once the credentials exist: a failure leaves it unbound
                if (bound == null) {
                    boundCredentials = chosen;
                    if (!closed) {
                        registry.inUse(chosen, this);
                    }
                    String line = "MCP requests to " + transportUrl + " are sent as " + d.entry.identity().label()
                            + " with the tokens of the store entry for " + LoggedUrl.of(serverUrl);
                    if (snapshot.forServer(serverUrl).size() > 1) {
                        Log.info(line); // worth saying only when the server has several identities
                    } else {
                        Log.debug(line);
                    }
                }
            } else if (registry.sayOnce("switch " + transportUrl + " " + bound)) {
                Log.warn("the app's header on a running MCP transport to " + transportUrl + " now belongs to "
                        + d.entry.identity().label() + "; a running transport never changes identity, so those"
                        + " requests go out as the app built them");
            }
        } else if (d.whyNone != null && registry.sayOnce("none " + serverUrl + " " + d.reasonKey)) {
            Log.warn("MCP requests to " + transportUrl + " are left as the app built them: " + d.whyNone
                    + (d.reasonKey.startsWith("jwt:") || d.reasonKey.startsWith("opaque")
                            ? "; to have that user's token kept fresh: java -jar mcp-refresh.jar login "
                                    + LoggedUrl.of(serverUrl)
                            : ""));
        }
        return remember(key, chosen, snapshot);
    }

    private Credentials remember(String key, Credentials chosen, CredentialsRegistry.Snapshot snapshot) {
        if (choices.size() >= MAX_REMEMBERED) {
            choices.clear();
        }
        Choice c = new Choice(key, chosen, snapshot);
        choices.put(key, c);
        last = c;
        return chosen;
    }

    /**
     * The app closed the transport: its grant is no longer kept alive for it (requests it may still send are served
     * as before). Transports that are garbage collected without a close are noticed by themselves.
     */
    public synchronized void close() { // with decide(): a close never slips in before the transport is counted
        closed = true;
        Credentials c = boundCredentials;
        if (c != null) {
            registry.closed(c, this);
        }
    }

    /** A decision for one header value; one without credentials is re-made when the store changes. */
    private static final class Choice {
        final String header;
        final Credentials credentials;
        final CredentialsRegistry.Snapshot snapshot;

        Choice(String header, Credentials credentials, CredentialsRegistry.Snapshot snapshot) {
            this.header = header;
            this.credentials = credentials;
            this.snapshot = snapshot;
        }
    }
}
