package dev.mcprefresh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.net.httpserver.HttpServer;
import dev.mcprefresh.core.config.Settings;
import dev.mcprefresh.core.http.AuthorizingHttpClient;
import dev.mcprefresh.core.http.RequestPolicy;
import dev.mcprefresh.core.oauth.OAuthHttp;
import dev.mcprefresh.core.oauth.TokenEndpointClient;
import dev.mcprefresh.core.session.CredentialsRegistry;
import dev.mcprefresh.core.store.StoreLocation;
import dev.mcprefresh.core.store.TokenRecord;
import dev.mcprefresh.core.store.TokenStore;
import dev.mcprefresh.core.store.TokenStores;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fleet of 8 hosts on one PostgreSQL store meets an expired token: each host is a registry of its own with its own
 * store connection and token client (as a JVM would have), 8 threads per host, all released at the expiry instant.
 * Counted: token requests per expiry (asserted 1) and database transactions per host per expiry (pg_stat_database);
 * timed: the p99 the refresh adds against the same burst with a valid token, next to one token round trip and one
 * refresh transaction (lock, read, write, commit) measured alone.
 * Run: {@code mvn -Pbench verify -Dtest=FleetRefreshBenchmark} (see BENCHMARKS.md).
 */
class FleetRefreshBenchmark {
    private static final int HOSTS = 8;
    private static final int THREADS_PER_HOST = 8;
    private static final int ROUNDS = Integer.getInteger("bench.rounds", 30);
    private static final int WARM_UP_ROUNDS = 3;

    @TempDir
    Path work;

    @Test
    void eightHostsAtTheExpiryInstant() throws Exception {
        HttpServer resource = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
        resource.createContext("/mcp", exchange -> {
            exchange.sendResponseHeaders(exchange.getRequestHeaders().getFirst("Authorization") != null ? 200 : 401, -1);
            exchange.close();
        });
        int threads = HOSTS * THREADS_PER_HOST;
        resource.setExecutor(Executors.newFixedThreadPool(threads));
        resource.start();
        URI mcp = URI.create("http://127.0.0.1:" + resource.getAddress().getPort() + "/mcp");
        ExecutorService callers = Executors.newFixedThreadPool(threads);
        HttpClient http = HttpClient.newHttpClient();
        try (AuthorizationServer as = AuthorizationServer.start(work); PostgresServer pg = PostgresServer.start()) {
            pg.createUser("fleet", "fleet-pw");
            pg.createDatabase("mcp", "fleet");
            Settings settings = settings();
            StoreLocation location = StoreLocation.parse(pg.url("mcp"));
            TokenStore admin = TokenStores.open(location, settings, Duration.ofSeconds(10));
            TokenStore[] stores = new TokenStore[HOSTS];
            TokenEndpointClient[] tokenClients = new TokenEndpointClient[HOSTS];
            for (int h = 0; h < HOSTS; h++) {
                stores[h] = TokenStores.open(location, settings, Duration.ofSeconds(10));
                tokenClients[h] = new TokenEndpointClient(new OAuthHttp(Duration.ofSeconds(10)), Clock.systemUTC());
            }
            double rtt = Bursts.tokenEndpointRoundTripMillis(as, tokenClients[0]);
            AuthorizationServer.Tokens tokens = as.login("app-long");
            admin.update(c -> {
                c.put(TokenRecord.builder(mcp.toString()).tokenEndpoint(as.issuer + "/token").clientId("app-long")
                        .accessToken(tokens.accessToken()).refreshToken(tokens.refreshToken()).build());
                return null;
            });
            double dbMillis = refreshTransactionMillis(admin);
            double[] baselineP99 = new double[ROUNDS];
            double[] stormP99 = new double[ROUNDS];
            double[] stormP50 = new double[ROUNDS];
            double[] transactionsPerHost = new double[ROUNDS];
            for (int round = -WARM_UP_ROUNDS; round < ROUNDS; round++) {
                Instant expiry = Instant.now().plusMillis(1500);
                admin.update(c -> {
                    TokenRecord current = c.soleEntry(mcp.toString());
                    c.put(current.toBuilder().expiresAt(expiry).updatedAt(expiry.minusSeconds(300)).build());
                    return null;
                });
                HttpClient[] hosts = new HttpClient[HOSTS];
                for (int h = 0; h < HOSTS; h++) {
                    CredentialsRegistry registry = new CredentialsRegistry(stores[h], tokenClients[h], Duration.ZERO,
                            Clock.systemUTC());
                    hosts[h] = AuthorizingHttpClient.wrap(http, RequestPolicy.forTransport(registry, mcp));
                }
                Bursts.at(hosts, HOSTS, mcp, callers, Instant.now()); // each host binds its transport first
                double[] valid = Bursts.at(hosts, threads, mcp, callers, Instant.now());
                long grantsBefore = as.tokenGrants("refresh_token");
                long transactionsBefore = transactions(pg);
                double[] storm = Bursts.at(hosts, threads, mcp, callers, expiry);
                assertEquals(1, as.tokenGrants("refresh_token") - grantsBefore, "round " + round + ": one token request");
                if (round >= 0) {
                    baselineP99[round] = BenchReport.percentile(valid, 99);
                    stormP99[round] = BenchReport.percentile(storm, 99);
                    stormP50[round] = BenchReport.median(storm);
                    Thread.sleep(1200); // backends report their counters when idle, at most once a second
                    transactionsPerHost[round] = (transactions(pg) - transactionsBefore - 1.0) / HOSTS; // -1: this query
                }
            }
            double[] addedPerRound = BenchReport.minus(stormP99, baselineP99);
            double added = BenchReport.median(addedPerRound);
            double[] interval = BenchReport.medianInterval(addedPerRound);
            BenchReport report = new BenchReport("fleet-refresh");
            report.line("");
            report.line("| figure | median of %d rounds |", ROUNDS);
            report.line("|---|---|");
            report.line("| token requests per expiry, fleet of %d hosts x %d threads | 1 (asserted every round) |",
                    HOSTS, THREADS_PER_HOST);
            report.line("| database transactions per host per expiry | %.2f |", BenchReport.median(transactionsPerHost));
            report.line("| median latency, token expiring at the burst | %.1f ms |", BenchReport.median(stormP50));
            report.line("| p99 latency, valid token (same burst) | %.1f ms |", BenchReport.median(baselineP99));
            report.line("| p99 latency, token expiring at the burst | %.1f ms |", BenchReport.median(stormP99));
            report.line("| p99 added by the refresh (median of per-round differences, 95 %% CI) | %.1f ms [%.1f, %.1f] |",
                    added, interval[0], interval[1]);
            report.line("| token endpoint round trip alone | %.1f ms |", rtt);
            report.line("| refresh transaction alone (lock, read, write, commit) | %.1f ms |", dbMillis);
            report.line("");
            report.line("budget: added p99 <= token round trip + database transaction + a few ms: %.1f <= %.1f + %.1f"
                    + " + 5 ms: %s", added, rtt, dbMillis, added <= rtt + dbMillis + 5 ? "met" : "MISSED");
            report.write();
        } finally {
            callers.shutdownNow();
            resource.stop(0);
        }
    }

    private Settings settings() throws Exception {
        Path password = work.resolve("db-password");
        Files.writeString(password, "fleet-pw\n");
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        Path keyFile = work.resolve("store-key");
        Files.writeString(keyFile, Base64.getEncoder().encodeToString(key) + "\n");
        Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
        return Settings.resolve(Map.of("store.user", "fleet", "store.password.file", password.toString(),
                "store.key.file", keyFile.toString()), k -> null, Map.of());
    }

    private static long transactions(PostgresServer pg) throws Exception {
        return Long.parseLong(pg.sql("mcp", "SELECT xact_commit + xact_rollback FROM pg_stat_database"
                + " WHERE datname = 'mcp'").trim());
    }

    /** Median of 9 transactions shaped like a refresh's: lock the row, read it, write it back, commit. */
    private static double refreshTransactionMillis(TokenStore store) {
        double[] millis = new double[9];
        for (int i = -3; i < millis.length; i++) {
            long started = System.nanoTime();
            store.update(c -> {
                for (TokenRecord r : c.records()) {
                    c.put(r.toBuilder().updatedAt(Instant.now()).build());
                }
                return null;
            });
            if (i >= 0) {
                millis[i] = (System.nanoTime() - started) / 1e6;
            }
        }
        return BenchReport.median(millis);
    }
}
