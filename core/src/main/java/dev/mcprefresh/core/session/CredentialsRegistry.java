package dev.mcprefresh.core.session;

import dev.mcprefresh.core.config.Setting;
import dev.mcprefresh.core.config.Settings;
import dev.mcprefresh.core.log.Log;
import dev.mcprefresh.core.log.LoggedUrl;
import dev.mcprefresh.core.oauth.OAuthHttp;
import dev.mcprefresh.core.oauth.TokenEndpointClient;
import dev.mcprefresh.core.store.StoreException;
import dev.mcprefresh.core.store.TokenRecord;
import dev.mcprefresh.core.store.TokenStores;
import dev.mcprefresh.core.store.TokenStore;
import dev.mcprefresh.core.util.DaemonThreads;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * The JVM's view of the token store: one {@link Credentials} per store entry (so every transport of one identity
 * shares one refresh), and a snapshot of the entries that is re-read only when the file changed, checked at most once
 * a second (never a read per request).
 */
public final class CredentialsRegistry {
    static final long STORE_CHECK_MILLIS = 1000;

    private final TokenStore store;
    private final TokenEndpointClient tokenClient;
    private final Duration skew;
    private final Clock clock;
    private final boolean strictIdentity;
    private final ExecutorService executor;
    /** This JVM's refreshes and write-backs, which its exit waits for. */
    private final ExitGate exitGate = new ExitGate();
    /** Null when keep-alive is off. */
    private final KeepAlive keepAlive;
    /** Publishes each entry's state (JMX); null when off. */
    private volatile Consumer<Credentials> publisher;
    /** "auto" or "true": the publisher is made with the first credentials, not at start-up; null or "false": none. */
    private volatile String jmxMode;
    private final Map<String, Credentials> byEntry = new ConcurrentHashMap<>();
    private final Set<String> said = ConcurrentHashMap.newKeySet();
    private volatile Snapshot snapshot;
    private volatile long nextStoreCheckMillis;
    /** How long the JVM's exit waits for a refresh under way: a token request's timeout, and time to store the answer. */
    private volatile Duration exitWait = Duration.ofSeconds(12);

    /** For tests: how long {@link #drainBeforeExit} waits. */
    void exitWait(Duration wait) {
        exitWait = wait;
    }

    /** A read of a remote store is under way on the executor. */
    private final java.util.concurrent.atomic.AtomicBoolean reading = new java.util.concurrent.atomic.AtomicBoolean();

    public CredentialsRegistry(TokenStore store, TokenEndpointClient tokenClient, Duration skew, Clock clock) {
        this(store, tokenClient, skew, clock, false);
    }

    public CredentialsRegistry(TokenStore store, TokenEndpointClient tokenClient, Duration skew, Clock clock,
            boolean strictIdentity) {
        this(store, tokenClient, skew, clock, strictIdentity, true);
    }

    public CredentialsRegistry(TokenStore store, TokenEndpointClient tokenClient, Duration skew, Clock clock,
            boolean strictIdentity, boolean keepAlive) {
        this.keepAlive = keepAlive ? new KeepAlive(clock) : null;
        this.store = store;
        this.tokenClient = tokenClient;
        this.skew = skew;
        this.clock = clock;
        this.strictIdentity = strictIdentity;
        // Daemon threads without the starting app thread's context class loader: they live as long as the JVM.
        this.executor = Executors.newCachedThreadPool(DaemonThreads.factory("token"));
    }

    public static CredentialsRegistry fromSettings(Settings settings) {
        Duration httpTimeout = settings.durationOrDefault(Setting.HTTP_TIMEOUT_SECONDS, Log::warn);
        Duration lockTimeout = settings.durationOrDefault(Setting.LOCK_TIMEOUT_SECONDS, Log::warn);
        Duration skew = settings.durationOrDefault(Setting.REFRESH_SKEW_SECONDS, Log::warn);
        boolean insecure = settings.allowInsecureHttpOrFalse(Log::warn);
        boolean strict = settings.identityStrict(Log::warn);
        boolean keepAlive = settings.keepAliveOrTrue(Log::warn);
        Clock clock = Clock.systemUTC();
        CredentialsRegistry registry = new CredentialsRegistry(
                TokenStores.open(settings.storeLocation(), settings, lockTimeout),
                new TokenEndpointClient(new OAuthHttp(httpTimeout, insecure), clock), skew, clock, strict, keepAlive);
        registry.jmxMode = settings.jmxMode(Log::warn);
        registry.exitWait = httpTimeout.plusSeconds(2);
        return registry;
    }

    public TokenStore store() {
        return store;
    }

    boolean strictIdentity() {
        return strictIdentity;
    }

    /**
     * The credentials binding for a transport whose MCP URL is {@code url}, or null when no stored server URL covers
     * it (then the transport is left as it is). Reads the store if it changed. While the store cannot be read, a
     * binding whose server is found once it can.
     */
    public TransportCredentials forTransport(URI url) {
        Snapshot s = snapshot(true);
        if (s == null) {
            // The store cannot be read now (a database down): requests go out as the app built them until it can,
            // then the transport finds its server like any other.
            return new TransportCredentials(this, null, url);
        }
        ServerMatcher.Match match = ServerMatcher.find(s.records, url);
        if (match.serverUrl == null) {
            if (match.tied.size() > 1 && said.add("tie " + match.tied)) {
                Log.warn("the store holds " + match.tied.size() + " server URLs that equally match "
                        + LoggedUrl.of(url) + " (" + String.join(", ", match.tied.stream().map(LoggedUrl::of)
                        .toArray(String[]::new)) + "); that transport is left as"
                        + " it is: remove all but one with java -jar mcp-refresh.jar logout");
            }
            return null;
        }
        return new TransportCredentials(this, match.serverUrl, url);
    }

    /** The store's entries as last read; re-read when the file changed. Null when the store cannot be read. */
    Snapshot snapshot() {
        return snapshot(false);
    }

    private Snapshot snapshot(boolean checkNow) {
        Snapshot s = snapshot;
        long now = clock.millis();
        if (!checkNow && now < nextStoreCheckMillis) {
            return s; // also while the store cannot be read: a request does not try it more than once a second
        }
        nextStoreCheckMillis = now + STORE_CHECK_MILLIS;
        if (store.remote()) {
            // Never a database round trip on the app's thread: read on a thread of ours; this answers with the last.
            if (s == null || !java.util.Objects.equals(store.version(), s.version)) {
                readLater();
            }
            return s;
        }
        return readIfChanged();
    }

    /**
     * Reads the store on the caller's thread, ahead of the first transport (the agent's warm-up thread), so that
     * transport finds it read.
     */
    public void warmUp() {
        readIfChanged();
    }

    /** Re-reads the store when its version changed; said once per distinct failure. */
    private synchronized Snapshot readIfChanged() {
        Snapshot s = snapshot;
        Object version = store.version();
        if (s != null && java.util.Objects.equals(version, s.version)) {
            return s;
        }
        try {
            List<TokenRecord> records = List.copyOf(store.read().records());
            // A remote store learns its version from the read itself; a file's is taken before, so a write racing
            // the read is seen at the next check.
            Snapshot fresh = new Snapshot(store.remote() ? store.version() : version, records);
            snapshot = fresh;
            return fresh;
        } catch (StoreException e) {
            if (!(e instanceof dev.mcprefresh.core.store.StoreUnavailableException) // the store said it
                    && said.add("read " + e.getMessage())) {
                Log.error(e.getMessage() + "; MCP requests go out as the apps built them until it can be read");
            }
            return s;
        }
    }

    private void readLater() {
        if (reading.compareAndSet(false, true)) {
            try {
                executor.execute(() -> {
                    try {
                        readIfChanged();
                    } finally {
                        reading.set(false);
                    }
                });
            } catch (RuntimeException rejected) {
                reading.set(false);
            }
        }
    }

    /** The one {@link Credentials} of this JVM for a store entry. */
    Credentials credentials(TokenRecord record) {
        Credentials existing = byEntry.get(record.id());
        if (existing != null) {
            return existing;
        }
        Credentials c = byEntry.computeIfAbsent(record.id(), k -> {
            if (record.needsLogin()) {
                Log.warn("the store marks " + LoggedUrl.of(record.serverUrl()) + " as " + record.identity().label()
                        + " as needing a new login (" + record.needsLoginReason() + "); requests go out as the app"
                        + " built them until you run: java -jar mcp-refresh.jar login "
                        + LoggedUrl.of(record.serverUrl()));
            }
            return new Credentials(record, store, tokenClient, clock, skew, executor, this::refreshed, exitGate);
        });
        publish(c);
        return c;
    }

    /**
     * Has {@code c}'s state published (JMX) on a thread of ours, not the app's request thread (the platform MBean
     * server may be made there). A JVM without java.management, or any failure, leaves the agent working without it.
     */
    private void publish(Credentials c) {
        String jmx = jmxMode;
        if (jmx == null && publisher == null) {
            return;
        }
        try {
            executor.execute(() -> {
                try {
                    synchronized (this) {
                        String mode = jmxMode;
                        if (mode != null && publisher == null && !mode.equals("false")) {
                            dev.mcprefresh.core.jmx.CredentialsMBeans.publish(this, mode); // javax.management from here
                        }
                        jmxMode = null;
                    }
                    Consumer<Credentials> p = publisher;
                    if (p != null) {
                        p.accept(c);
                    }
                } catch (Throwable t) {
                    publisher = null;
                    Log.debug("no MBeans: " + t);
                }
            });
        } catch (RuntimeException rejected) {
            // no thread to do it on: the agent works on without the MBean
        }
    }

    /** After every refresh of {@code c}: any refresh resets the idle window; the published state changed. */
    private void refreshed(Credentials c) {
        try {
            if (keepAlive != null) {
                keepAlive.replan(c); // any refresh resets the idle window
            }
            Consumer<Credentials> p = publisher;
            if (p != null) {
                p.accept(c);
            }
        } catch (Throwable t) {
            Log.warn("could not plan the keep-alive of " + LoggedUrl.of(c.serverUrl()) + " (" + t + ")");
        }
    }

    /** Has each entry's state published (JMX) as its credentials are made and after each refresh. */
    public void publishWith(Consumer<Credentials> p) {
        publisher = p;
    }

    /** What an operator may see of {@code c}: expiries, the keep-alive, the refresh history; never a token. */
    public EntryStatus status(Credentials c) {
        TokenRecord r = c.record();
        RefreshDeadline deadline = RefreshDeadline.of(r);
        long next = keepAlive == null ? KeepAlivePlan.NONE : keepAlive.plannedMillis(c);
        RefreshReport report = c.report();
        return new EntryStatus(LoggedUrl.of(r.serverUrl()), r.identity().label(), r.expiresAt(),
                deadline == null ? null : deadline.at(), deadline == null ? null : deadline.source().description(),
                r.sessionEndsAt(), next == KeepAlivePlan.NONE ? null : java.time.Instant.ofEpochMilli(next),
                keepAlive == null ? 0 : keepAlive.liveTransports(c), report.refreshCount(), report.lastRefresh(),
                report.lastError(), r.needsLogin());
    }

    /** A transport now sends with {@code c}'s tokens: keep its grant alive while the transport lives. */
    void inUse(Credentials c, TransportCredentials transport) {
        if (keepAlive != null) {
            keepAlive.track(c, transport);
        }
    }

    /** A transport was closed. */
    void closed(Credentials c, TransportCredentials transport) {
        if (keepAlive != null) {
            keepAlive.untrack(c, transport);
        }
    }

    /** The keep-alive timer, or null when keep-alive is off. */
    KeepAlive keepAlive() {
        return keepAlive;
    }

    /** Says a line once per key for the life of the JVM. */
    boolean sayOnce(String key) {
        return said.add(key);
    }

    /**
     * The JVM is ending (a shutdown hook calls this): no refresh starts any more, and one under way may finish. With
     * refresh-token rotation the server spends the stored refresh token as it answers, so a JVM that ended between
     * that answer and the store write would leave a spent token behind: the next refresh, by any process, would trip
     * reuse detection and revoke the grant. Rotations the store could not take get one last try. Returns at once when
     * nothing is under way; waits at most a token request's timeout plus 2 s.
     */
    public void drainBeforeExit() {
        long started = System.nanoTime();
        boolean finished;
        try {
            // Only refreshes: a store read, an MBean or app code on our threads (a callback that calls System.exit)
            // is not waited for.
            finished = exitGate.closeAndAwait(exitWait.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            finished = false;
        }
        long waitedMillis = java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        if (!finished) {
            Log.warn("the JVM ends while a token refresh is still under way after " + waitedMillis + " ms; if the"
                    + " authorization server rotated the refresh token, the store keeps the spent one and the next"
                    + " refresh needs a new login");
            return; // a write-back would wait for that refresh, which holds the entry's refresh lock
        }
        if (waitedMillis > 0) {
            Log.debug("the JVM's exit waited " + waitedMillis + " ms for the agent's work under way");
        }
        for (Credentials c : byEntry.values()) {
            if (!c.writeBackBeforeExit()) {
                Log.warn("the JVM ends with a rotated token for " + LoggedUrl.of(c.record().serverUrl())
                        + " the store could not take; the store keeps the spent one and the next refresh needs a"
                        + " new login");
            }
        }
    }

    /** One read of the store: its file version and its entries. */
    static final class Snapshot {
        final Object version;
        final Collection<TokenRecord> records;

        Snapshot(Object version, Collection<TokenRecord> records) {
            this.version = version;
            this.records = records;
        }

        List<TokenRecord> forServer(String serverUrl) {
            List<TokenRecord> found = new java.util.ArrayList<>();
            for (TokenRecord r : records) {
                if (r.serverUrl().equals(serverUrl)) {
                    found.add(r);
                }
            }
            return found;
        }
    }
}
