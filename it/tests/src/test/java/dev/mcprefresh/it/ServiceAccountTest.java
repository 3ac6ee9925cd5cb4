package dev.mcprefresh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcprefresh.core.config.Setting;
import dev.mcprefresh.core.json.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Service accounts (OAuth client_credentials) end to end: the real authorization server, the real MCP server behind
 * its bearer gate, app JVMs with the real shaded agent and the real CLI. An app whose static token was minted once
 * at start keeps working past the token's 3 s life because the agent mints new tokens (with a client secret, or a
 * private key signing RS256 or ES256 assertions) while the same app without the agent fails; four JVMs on one store
 * mint about once per token lifetime together; a key rotated away on disk gives one clear error and a bounded number
 * of refused token requests; the CLI's add, status, refresh and doctor handle such an entry without printing a
 * secret, a key or an assertion; a key file other users can read is warned about once.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServiceAccountTest {
    private static final String SDK = "2.1";
    private static final String MODE = "streamable-requestBuilder";
    /** Twelve calls a second apart: about four lifetimes of a 3 s service-account token. */
    private static final int CALLS = 12;
    /** The agent's DEBUG line for each token it minted itself (RefreshReport, reason EARLY or NEEDED). */
    private static final String MINTED_LINE = "[mcp-refresh] DEBUG refreshed the access token for ";
    /** Its DEBUG line when it took up a token another process minted and stored. */
    private static final String ADOPTED_LINE = "[mcp-refresh] DEBUG using the token another process stored for ";
    /** A JWT (a client assertion, or a JWT access token): base64url of a JSON header, a dot, more base64url, a dot. */
    private static final Pattern JWT = Pattern.compile("eyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{8,}\\.");
    private static final Pattern STACK_FRAME = Pattern.compile("(?m)^(\\[err\\] )?\\s+at [\\w$.]+\\(.*\\)$");

    private Path work;
    private AuthorizationServer as;
    private McpServerProcess server;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        work = dir;
        as = AuthorizationServer.start(work);
        server = McpServerProcess.start(SDK, "streamable", as, work);
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
        if (as != null) {
            as.close();
        }
    }

    @Test
    void aServiceAppWhoseStaticTokenWasMintedOnceSurvivesExpiryWithASecret() throws Exception {
        Path dir = Files.createDirectories(work.resolve("secret"));
        Path secretFile = secretFile(dir);
        Path store = dir.resolve("store/tokens.json");
        AgentCli.Result add = AgentCli.run(dir, "add", server.mcpUrl, "--grant", "client_credentials", "--client-id",
                AuthorizationServer.SVC_SECRET_CLIENT, "--client-secret-file", secretFile.toString(), "--store",
                store.toString());
        Leaks leaks = new Leaks().secret(AuthorizationServer.SVC_SECRET).store(store);
        leaks.assertNone("add", add.output());
        assertEquals(0, add.exitCode(), add.output());
        survivesExpiryOnlyWithTheAgent(dir, store, AuthorizationServer.SVC_SECRET_CLIENT, leaks);
    }

    /** RS256 with the RSA key (the algorithm by the key's type), ES256 with the EC key (named explicitly). */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"RS256, rsa, rsa-1, ''", "ES256, ec, ec-1, ES256"})
    void aServiceAppWhoseStaticTokenWasMintedOnceSurvivesExpiryWithAPrivateKey(String alg, String keyType, String kid,
            String signingAlg) throws Exception {
        Path dir = Files.createDirectories(work.resolve("key-" + alg));
        Path key = keyType.equals("rsa") ? as.svcRsaKey() : as.svcEcKey();
        Path store = dir.resolve("store/tokens.json");
        List<String> args = new ArrayList<>(List.of("add", server.mcpUrl, "--grant", "client_credentials",
                "--client-id", AuthorizationServer.SVC_KEY_CLIENT, "--private-key-file", key.toString(), "--key-id", kid));
        if (!signingAlg.isEmpty()) {
            args.addAll(List.of("--signing-alg", signingAlg));
        }
        args.addAll(List.of("--store", store.toString()));
        long refusedBefore = as.tokenErrors("client_credentials:invalid_client");
        AgentCli.Result add = AgentCli.run(dir, args.toArray(new String[0]));
        Leaks leaks = new Leaks().key(key).store(store);
        leaks.assertNone("add", add.output());
        assertEquals(0, add.exitCode(), add.output());
        assertTrue(add.output().contains("verified: the token endpoint minted an access token"), add.output());
        Map<String, Object> entry = soleEntry(store);
        assertEquals(key.toString(), Json.string(Json.object(entry, "client_key"), "file"));
        assertEquals(kid, Json.string(Json.object(entry, "client_key"), "kid"));
        leaks.assertNoKeyIn("the store file", Files.readString(store));

        survivesExpiryOnlyWithTheAgent(dir, store, AuthorizationServer.SVC_KEY_CLIENT, leaks);
        assertEquals(refusedBefore, as.tokenErrors("client_credentials:invalid_client"),
                "every " + alg + " assertion the CLI and the agent signed was accepted");
    }

    /**
     * The same app twice at once, its static token minted once at its start as a service app does it: without the
     * agent its calls fail once the token expired; with the agent (store seeded by add) all of them work, and each
     * token it used past the first was minted by the agent (its DEBUG lines count the server's grants exactly).
     */
    private void survivesExpiryOnlyWithTheAgent(Path dir, Path store, String clientId, Leaks leaks) throws Exception {
        // The app's own token comes from svc-secret in both runs: to the agent it is a token the store does not know,
        // sent as the server's only stored identity (the default identity policy) until it is replaced.
        String plainToken = as.mintClientCredentials(AuthorizationServer.SVC_SECRET_CLIENT,
                AuthorizationServer.SVC_SECRET, server.mcpUrl).accessToken();
        String agentToken = as.mintClientCredentials(AuthorizationServer.SVC_SECRET_CLIENT,
                AuthorizationServer.SVC_SECRET, server.mcpUrl).accessToken();
        leaks.secret(plainToken).secret(agentToken);
        int mintsBefore = as.ccTimes(clientId).size();
        long rejectedBefore = server.gateStat("rejected");
        long started = System.currentTimeMillis();
        try (ClientRun plain = ClientRun.start(SDK, MODE, server.baseUrl, plainToken, null, CALLS, 1000, dir);
                ClientRun agent = ClientRun.start(SDK, MODE, server.baseUrl, agentToken, store, CALLS, 1000, dir)) {
            agent.finish();
            plain.finish();
            long seconds = (System.currentTimeMillis() - started) / 1000;
            List<Long> mintTimes = as.ccTimes(clientId);
            int mints = mintTimes.size() - mintsBefore;
            leaks.store(store);
            leaks.assertNone("the app with the agent", agent.output());
            leaks.assertNone("the app without the agent", plain.output());

            // Without the agent: the minted-once token dies after 3 s and the server refuses the later calls.
            assertTrue(plain.failed > 0, "the control app's calls must fail after its token expired:\n" + plain.output());
            assertTrue(plain.output().contains("CALL " + CALLS + " FAIL"), "the last call is long past the token's"
                    + " life:\n" + plain.output());
            assertFalse(plain.output().contains("[mcp-refresh]"), "the control runs without the agent");
            assertTrue(server.gateStat("rejected") > rejectedBefore, "the MCP server refused the control's token");
            assertFalse(as.active(plainToken) || as.active(agentToken), "both static tokens expired during the runs");

            // With the agent: every call worked, on tokens the agent minted.
            assertEquals(CALLS, agent.ok, "with the agent every call works:\n" + agent.output());
            assertEquals(0, agent.failed, agent.output());
            assertTrue(mints >= 3, "12 s of calls on 3 s tokens need at least three new tokens: " + mints
                    + " minted\n" + agent.output());
            assertEquals(mints, count(agent.output(), MINTED_LINE + server.mcpUrl),
                    "every client_credentials grant the server counted is one the agent says it made:\n" + agent.output());
            assertTrue(mints <= seconds * 1000 / lifetimeMillis() + 2, "about one mint per token lifetime, no more: "
                    + mints + " in " + seconds + " s");
            assertNoStackTrace("the app with the agent", agent.output());
            assertFalse(agent.output().contains("[mcp-refresh] WARN") || agent.output().contains("[mcp-refresh] ERROR"),
                    "nothing to warn about:\n" + agent.output());
        }
    }

    /**
     * Four app JVMs on one file store. They are started one after the other (each once the previous one has
     * initialised: four cold JVMs at once on a busy two-core machine miss the app's 8 s initialisation timeout, which
     * is not what this test is about), then all four call together for a fixed window, and only the grants inside
     * that window are counted: about one per refresh period for all of them, not one per JVM.
     */
    @Test
    void fourJvmsOnOneStoreMintAboutOncePerLifetime() throws Exception {
        Path dir = Files.createDirectories(work.resolve("four-jvms"));
        Path store = dir.resolve("store/tokens.json");
        AgentCli.Result add = AgentCli.run(dir, "add", server.mcpUrl, "--grant", "client_credentials", "--client-id",
                AuthorizationServer.SVC_KEY_CLIENT, "--private-key-file", as.svcRsaKey().toString(), "--key-id",
                AuthorizationServer.SVC_RSA_KID, "--store", store.toString());
        Leaks leaks = new Leaks().key(as.svcRsaKey()).store(store);
        leaks.assertNone("add", add.output());
        assertEquals(0, add.exitCode(), add.output());
        String staticToken = as.mintClientCredentials(AuthorizationServer.SVC_SECRET_CLIENT,
                AuthorizationServer.SVC_SECRET, server.mcpUrl).accessToken();
        leaks.secret(staticToken);

        int jvms = 4;
        long windowMillis = 12_000; // five refresh periods of all four calling every 500 ms
        long refusedBefore = as.tokenErrors("client_credentials:invalid_client");
        int mintsBefore = as.ccTimes(AuthorizationServer.SVC_KEY_CLIENT).size();
        long t0 = System.currentTimeMillis();
        // Every line of every JVM as "millis-since-t0 jvmN line": the figures' source and a failure's story.
        List<String> timeline = Collections.synchronizedList(new ArrayList<>());
        List<ClientRun> runs = new ArrayList<>();
        long windowStart;
        long windowEnd;
        try {
            for (int i = 0; i < jvms; i++) {
                int n = i;
                // More calls than the run needs: the test ends the apps once the window is over. C1 only and the
                // serial collector: less CPU for a cold JVM on a small machine.
                runs.add(ClientRun.start(SDK, MODE, server.baseUrl, staticToken, store, 1000, 500, dir, List.of(),
                        List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"),
                        line -> timeline.add((System.currentTimeMillis() - t0) + " jvm" + n + " " + line)));
                String init = runs.get(i).awaitLine(l -> l.startsWith("INIT "), Duration.ofSeconds(90));
                assertEquals("INIT OK", init, "jvm" + i + " did not initialise; all lines so far:\n"
                        + String.join("\n", timeline));
            }
            windowStart = System.currentTimeMillis();
            Thread.sleep(windowMillis);
            windowEnd = System.currentTimeMillis();
        } finally {
            for (ClientRun run : runs) { // SIGTERM, as a container stop sends it
                long stopping = System.currentTimeMillis();
                boolean ended = run.process.terminate(Duration.ofSeconds(10));
                timeline.add((System.currentTimeMillis() - t0) + " jvm" + runs.indexOf(run) + " -- "
                        + (ended ? "ended" : "DID NOT END") + " " + (System.currentTimeMillis() - stopping)
                        + " ms after SIGTERM");
                run.close();
            }
        }
        Thread.sleep(200); // the output pumps drain
        leaks.store(store);
        for (ClientRun run : runs) {
            leaks.assertNone("an app", run.output());
        }
        StringBuilder tails = new StringBuilder();
        for (ClientRun run : runs) {
            List<String> out = run.output().lines().toList();
            tails.append("\n-- the last lines of jvm").append(runs.indexOf(run)).append(":\n")
                    .append(String.join("\n", out.subList(Math.max(0, out.size() - 4), out.size())));
        }
        String story = "all four JVMs' lines, ms from the start:\n" + String.join("\n", timeline) + tails
                + "\nserver grants at (ms): " + relative(as.ccTimes(AuthorizationServer.SVC_KEY_CLIENT), mintsBefore, t0);
        long from = windowStart - t0;
        long to = windowEnd - t0;
        int[] callsIn = new int[jvms];
        int[] mintedIn = new int[jvms];
        int[] adoptedIn = new int[jvms];
        int mintLines = 0;
        Pattern timed = Pattern.compile("(\\d+) jvm(\\d) (.*)");
        for (String entry : timeline) {
            Matcher m = timed.matcher(entry);
            if (!m.matches()) {
                continue; // the test's own notes
            }
            long at = Long.parseLong(m.group(1));
            int jvm = Integer.parseInt(m.group(2));
            String line = m.group(3);
            assertFalse(line.matches("CALL \\d+ FAIL.*"), "a failed call: " + entry + "\n" + story);
            boolean inWindow = at >= from && at <= to;
            if (line.startsWith(MINTED_LINE + server.mcpUrl)) {
                mintLines++;
                mintedIn[jvm] += inWindow ? 1 : 0;
            } else if (line.startsWith(ADOPTED_LINE + server.mcpUrl)) {
                adoptedIn[jvm] += inWindow ? 1 : 0;
            } else if (line.matches("CALL \\d+ OK") && inWindow) {
                callsIn[jvm]++;
            }
        }
        for (ClientRun run : runs) {
            assertNoStackTrace("an app", run.output());
        }
        List<Long> grants = as.ccTimes(AuthorizationServer.SVC_KEY_CLIENT);
        int mints = (int) grants.subList(mintsBefore, grants.size()).stream()
                .filter(t -> t >= windowStart && t <= windowEnd).count();
        int calls = java.util.Arrays.stream(callsIn).sum();
        double lifetimes = (double) windowMillis / lifetimeMillis();
        // A token lives 3 s at most, so calls all through the window need a new one at least every 3 s; a shared
        // store gives one per refresh period (the lifetime minus the agent's skew); each JVM minting for itself
        // would make four times that.
        double floor = (double) windowMillis / (AuthorizationServer.SVC_ACCESS_TTL_SECONDS * 1000) - 1;
        double bound = 1.5 * lifetimes + 2;
        double uncoordinated = jvms * lifetimes;
        System.out.printf("FIGURES service-four-jvms: in %.1f s with all %d JVMs calling: %d calls ok, 0 failed; %d"
                + " mints (%.1f refresh periods of %d ms; allowed %.1f, %d JVMs minting alone would make about %.0f);"
                + " minted by each JVM %s, taken up from the store %s; %d mints in the whole run%n",
                windowMillis / 1000.0, jvms, calls, mints, lifetimes, lifetimeMillis(), bound, jvms, uncoordinated,
                java.util.Arrays.toString(mintedIn), java.util.Arrays.toString(adoptedIn),
                grants.size() - mintsBefore);
        for (int i = 0; i < jvms; i++) {
            assertTrue(callsIn[i] >= windowMillis / 500 / 2, "jvm" + i + " called all through the window: "
                    + callsIn[i] + " calls\n" + story);
        }
        // Every mint an agent logged is a grant the server counted, and every grant is one an agent logged, but for
        // at most one: the apps are ended one after the other with SIGTERM, and a mint under way in the app being
        // ended may reach the server while its log line does not reach this test any more.
        int unlogged = grants.size() - mintsBefore - mintLines;
        assertTrue(unlogged >= 0 && unlogged <= 1, "each grant the server counted is one an agent says it made: "
                + (grants.size() - mintsBefore) + " grants, " + mintLines + " logged mints\n" + story);
        assertTrue(mints >= floor, "calls over " + windowMillis + " ms on 3 s tokens need at least " + floor
                + " mints: " + mints + "\n" + story);
        assertTrue(mints <= bound, "about one mint per token lifetime for all four JVMs together: " + mints
                + " mints in " + lifetimes + " lifetimes (bound " + bound + ")\n" + story);
        assertTrue(bound < uncoordinated / 2, "the bound is clearly below one mint per lifetime per JVM");
        assertEquals(refusedBefore, as.tokenErrors("client_credentials:invalid_client"));
    }

    @Test
    void aRotatedAwayKeyGetsOneClearErrorAndNoLoop() throws Exception {
        Path dir = Files.createDirectories(work.resolve("rotated"));
        Path key = dir.resolve("svc-key.pem"); // a copy: the server's own key file stays as it is for other tests
        Files.copy(as.svcRsaKey(), key, StandardCopyOption.REPLACE_EXISTING);
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        Path store = dir.resolve("store/tokens.json");
        AgentCli.Result add = AgentCli.run(dir, "add", server.mcpUrl, "--grant", "client_credentials", "--client-id",
                AuthorizationServer.SVC_KEY_CLIENT, "--private-key-file", key.toString(), "--key-id",
                AuthorizationServer.SVC_RSA_KID, "--store", store.toString());
        Leaks leaks = new Leaks().key(key).store(store);
        leaks.assertNone("add", add.output());
        assertEquals(0, add.exitCode(), add.output());
        String staticToken = as.mintClientCredentials(AuthorizationServer.SVC_SECRET_CLIENT,
                AuthorizationServer.SVC_SECRET, server.mcpUrl).accessToken();
        leaks.secret(staticToken);

        int calls = 18;
        long refusedBefore = as.tokenErrors("client_credentials:invalid_client");
        long rejectedAtRotation;
        long refusedAtEnd;
        long rotatedAt;
        long endedAt;
        try (ClientRun run = ClientRun.start(SDK, MODE, server.baseUrl, staticToken, store, calls, 1000, dir)) {
            run.awaitLine(l -> l.equals("CALL 3 OK"), Duration.ofSeconds(60));
            AuthorizationServer.writeUnregisteredRsaKey(key); // rotated away: 0600 still, a key the server never knew
            leaks.key(key);
            rotatedAt = System.currentTimeMillis();
            rejectedAtRotation = server.gateStat("rejected");
            run.finish();
            endedAt = System.currentTimeMillis();
            refusedAtEnd = as.tokenErrors("client_credentials:invalid_client");
            String out = run.output();
            leaks.store(store);
            leaks.assertNone("the app", out);

            long refused = refusedAtEnd - refusedBefore;
            double secondsAfter = (endedAt - rotatedAt) / 1000.0;
            List<String> errors = out.lines().filter(l -> l.contains("[mcp-refresh] ERROR")).toList();
            System.out.printf("FIGURES service-rotated-key: %d token requests refused as invalid_client in %.1f s after"
                    + " the rotation; calls ok=%d failed=%d%n", refused, secondsAfter, run.ok, run.failed);
            assertEquals(1, errors.size(), "one ERROR line, not one per attempt:\n" + out);
            String error = errors.get(0);
            assertTrue(error.contains("invalid_client") && error.contains("private key")
                    && error.contains(server.mcpUrl), "the error names the server and the client credentials"
                    + " problem: " + error);
            assertEquals(1, count(out, "invalid_client"), "said once, at no level again:\n" + out);
            assertNoStackTrace("the app", out);
            assertTrue(run.failed >= 8, "once the last good token expired, calls fail:\n" + out);
            assertTrue(out.contains("CALL " + calls + " FAIL"), out);
            assertTrue(server.gateStat("rejected") - rejectedAtRotation >= run.failed, "each failed call is the MCP"
                    + " server's 401, as the app would get it without the agent");
            assertTrue(refused >= 1, "the rotated key was used and refused");
            assertTrue(refused <= 7 && refused < run.failed, "back-off, not a token request per call: " + refused
                    + " refused requests in " + secondsAfter + " s with " + run.failed + " failed calls");
        }
        Thread.sleep(1000);
        assertEquals(refusedAtEnd, as.tokenErrors("client_credentials:invalid_client"), "nothing after the app ended");
    }

    @Test
    void cliOnAServiceAccount() throws Exception {
        Path dir = Files.createDirectories(work.resolve("cli"));
        Path key = as.svcRsaKey();
        Path keyStore = dir.resolve("key-store/tokens.json");
        Path secretStore = dir.resolve("secret-store/tokens.json");
        Path secretFile = secretFile(dir);
        Leaks leaks = new Leaks().key(key).secret(AuthorizationServer.SVC_SECRET);
        StringBuilder allOutput = new StringBuilder();

        AgentCli.Result addSecret = AgentCli.run(dir, "add", server.mcpUrl, "--grant", "client_credentials",
                "--client-id", AuthorizationServer.SVC_SECRET_CLIENT, "--client-secret-file", secretFile.toString(),
                "--store", secretStore.toString());
        int keyMintsBefore = as.ccTimes(AuthorizationServer.SVC_KEY_CLIENT).size();
        AgentCli.Result addKey = AgentCli.run(dir, "add", server.mcpUrl, "--grant", "client_credentials",
                "--client-id", AuthorizationServer.SVC_KEY_CLIENT, "--private-key-file", key.toString(), "--key-id",
                AuthorizationServer.SVC_RSA_KID, "--store", keyStore.toString());
        leaks.store(secretStore).store(keyStore);
        leaks.assertNone("add", addSecret.output() + addKey.output());
        allOutput.append(addSecret.output()).append(addKey.output());
        assertEquals(0, addSecret.exitCode(), addSecret.output());
        assertEquals(0, addKey.exitCode(), addKey.output());
        for (AgentCli.Result add : List.of(addSecret, addKey)) {
            assertTrue(add.output().contains("verified: the token endpoint minted an access token valid for "),
                    add.output());
            assertTrue(add.output().contains("stored credentials for " + server.mcpUrl), add.output());
        }
        assertEquals(keyMintsBefore + 1, as.ccTimes(AuthorizationServer.SVC_KEY_CLIENT).size(), "add verified once");

        Map<String, Object> stored = soleEntry(keyStore);
        assertEquals("client_credentials", stored.get("grant_type"));
        // private_key_jwt follows from client_key and is not written: an older agent would refuse the whole file over it.
        assertFalse(stored.containsKey("token_endpoint_auth_method"), stored.keySet().toString());
        assertEquals(key.toString(), Json.string(Json.object(stored, "client_key"), "file"), "the key's path is stored");
        assertFalse(stored.containsKey("refresh_token") || stored.containsKey("client_secret"), stored.keySet()
                .toString());
        assertEquals(server.mcpUrl, stored.get("resource"), "bound to the server's resource (RFC 9728)");
        leaks.assertNoKeyIn("the store file", Files.readString(keyStore));

        AgentCli.Result status = AgentCli.run(dir, "status", "--store", keyStore.toString());
        AgentCli.Result statusSecret = AgentCli.run(dir, "status", "--store", secretStore.toString());
        AgentCli.Result statusJson = AgentCli.run(dir, "status", "--json", "--store", keyStore.toString());
        leaks.assertNone("status", status.output() + statusSecret.output() + statusJson.output());
        allOutput.append(status.output()).append(statusSecret.output()).append(statusJson.output());
        assertEquals(0, status.exitCode(), status.output());
        assertTrue(status.output().contains("none: minted (private key)"), status.output());
        assertTrue(statusSecret.output().contains("none: minted (client secret)"), statusSecret.output());
        assertEquals(0, statusJson.exitCode(), statusJson.output());
        Map<String, Object> json = statusServer(statusJson);
        assertEquals("client_credentials", json.get("grant_type"), json.toString());
        assertEquals("private_key_jwt", json.get("token_endpoint_auth_method"), json.toString());
        assertEquals(AuthorizationServer.SVC_KEY_CLIENT, json.get("client_id"), json.toString());
        assertEquals(Boolean.FALSE, json.get("refresh_token_present"), json.toString());

        int before = as.ccTimes(AuthorizationServer.SVC_KEY_CLIENT).size();
        String tokenBefore = Secrets.storedAccessToken(keyStore, server.mcpUrl);
        AgentCli.Result refresh = AgentCli.run(dir, "refresh", server.mcpUrl, "--store", keyStore.toString());
        leaks.store(keyStore);
        leaks.assertNone("refresh", refresh.output());
        allOutput.append(refresh.output());
        assertEquals(0, refresh.exitCode(), refresh.output());
        assertEquals(before + 1, as.ccTimes(AuthorizationServer.SVC_KEY_CLIENT).size(), "refresh minted one token");
        String tokenAfter = Secrets.storedAccessToken(keyStore, server.mcpUrl);
        assertFalse(tokenAfter.equals(tokenBefore), "the minted token was stored");
        assertTrue(as.active(tokenAfter));

        AgentCli.Result doctor = AgentCli.run(dir, "doctor", server.mcpUrl, "--live", "--store", keyStore.toString());
        leaks.store(keyStore);
        leaks.assertNone("doctor", doctor.output());
        allOutput.append(doctor.output());
        assertEquals(0, doctor.exitCode(), doctor.output());
        assertEquals(before + 2, as.ccTimes(AuthorizationServer.SVC_KEY_CLIENT).size(), "doctor --live minted one");
        assertTrue(doctor.output().contains("[OK  ] stored credential: service account: client "
                + AuthorizationServer.SVC_KEY_CLIENT), doctor.output());
        assertTrue(doctor.output().contains("[OK  ] live refresh: a new access token was minted and stored"),
                doctor.output());
        assertTrue(doctor.output().contains("[OK  ] MCP server accepts the refreshed token"), doctor.output());
        assertTrue(doctor.output().contains("refresh will work."), doctor.output());

        leaks.assertNone("the CLI", allOutput.toString());
        leaks.assertNoKeyIn("the store files", Files.readString(keyStore) + Files.readString(secretStore));
    }

    @Test
    void aKeyFileOthersCanReadIsWarnedAboutOnce() throws Exception {
        Path dir = Files.createDirectories(work.resolve("loose-key"));
        Path key = dir.resolve("loose.pem");
        Files.copy(as.svcRsaKey(), key, StandardCopyOption.REPLACE_EXISTING);
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
        Path store = dir.resolve("store/tokens.json");
        AgentCli.Result add = AgentCli.run(dir, "add", server.mcpUrl, "--grant", "client_credentials", "--client-id",
                AuthorizationServer.SVC_KEY_CLIENT, "--private-key-file", key.toString(), "--key-id",
                AuthorizationServer.SVC_RSA_KID, "--store", store.toString());
        Leaks leaks = new Leaks().key(key).store(store);
        leaks.assertNone("add", add.output());
        assertEquals(0, add.exitCode(), "a warning, not an error:\n" + add.output());
        assertEquals(1, count(add.output(), "chmod 600 " + key), "warned once:\n" + add.output());
        assertTrue(add.output().contains("verified: the token endpoint minted"), add.output());

        // The agent reads the key at every token request, and says it once per process, not once per mint.
        String staticToken = as.mintClientCredentials(AuthorizationServer.SVC_SECRET_CLIENT,
                AuthorizationServer.SVC_SECRET, server.mcpUrl).accessToken();
        leaks.secret(staticToken);
        int mintsBefore = as.ccTimes(AuthorizationServer.SVC_KEY_CLIENT).size();
        try (ClientRun run = ClientRun.start(SDK, MODE, server.baseUrl, staticToken, store, 7, 1000, dir).finish()) {
            leaks.store(store);
            leaks.assertNone("the app", run.output());
            int mints = as.ccTimes(AuthorizationServer.SVC_KEY_CLIENT).size() - mintsBefore;
            assertEquals(0, run.failed, run.output());
            assertTrue(mints >= 2, "several mints, each reading the key: " + mints);
            assertEquals(1, count(run.output(), "chmod 600 " + key), "warned once in " + mints + " mints:\n"
                    + run.output());
            assertTrue(run.output().contains("[mcp-refresh] WARN signing key file " + key), run.output());
        }
    }

    /** The token lifetime one mint serves: 3 s minus the agent's default refresh skew, capped at a quarter life. */
    private static long lifetimeMillis() {
        long life = AuthorizationServer.SVC_ACCESS_TTL_SECONDS * 1000L;
        long skew = Long.parseLong(Setting.REFRESH_SKEW_SECONDS.defaultValue()) * 1000;
        return life - Math.min(skew, life / 4); // TokenLifetime.refreshAtMillis
    }

    private static List<Long> relative(List<Long> times, int from, long t0) {
        return times.subList(from, times.size()).stream().map(t -> t - t0).toList();
    }

    private static Path secretFile(Path dir) throws Exception {
        Path f = dir.resolve("client-secret.txt");
        Files.writeString(f, AuthorizationServer.SVC_SECRET);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
        return f;
    }

    private static Map<String, Object> soleEntry(Path store) throws Exception {
        List<Map<String, Object>> entries = Secrets.storeEntries(store);
        assertEquals(1, entries.size());
        return entries.get(0);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> statusServer(AgentCli.Result r) {
        String stdout = String.join("\n", r.output().lines().filter(l -> !l.startsWith("[err] ")).toList());
        List<Object> servers = (List<Object>) Json.parseObject(stdout.getBytes(StandardCharsets.UTF_8)).get("servers");
        assertEquals(1, servers.size());
        return (Map<String, Object>) servers.get(0);
    }

    private static void assertNoStackTrace(String what, String output) {
        assertFalse(STACK_FRAME.matcher(output).find(), what + " printed a stack trace:\n" + output);
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }

    /**
     * What must never reach any output: tokens and secrets (via {@link Secrets}), every base64 line of the private
     * keys in play, and anything that looks like a JWT (a client assertion). Failures name what leaked, never the
     * leaked text.
     */
    private static final class Leaks {
        private final Secrets secrets = new Secrets();
        private final List<String> keyLines = Collections.synchronizedList(new ArrayList<>());

        Leaks secret(String value) {
            secrets.add(value);
            return this;
        }

        Leaks store(Path store) throws Exception {
            if (Files.exists(store)) {
                secrets.addFromStore(store);
            }
            return this;
        }

        Leaks key(Path pem) throws Exception {
            for (String line : Files.readAllLines(pem, StandardCharsets.US_ASCII)) {
                if (!line.startsWith("-----") && line.length() >= 16) {
                    keyLines.add(line);
                }
            }
            return this;
        }

        void assertNone(String what, String output) {
            secrets.assertNotIn(what, output);
            assertNoKeyIn(what, output);
            Matcher jwt = JWT.matcher(output);
            if (jwt.find()) {
                throw new AssertionError(what + " printed a JWT (a client assertion or token) at offset "
                        + jwt.start());
            }
        }

        void assertNoKeyIn(String what, String text) {
            if (text.contains("PRIVATE KEY")) {
                throw new AssertionError(what + " holds a PEM private key block");
            }
            synchronized (keyLines) {
                for (int i = 0; i < keyLines.size(); i++) {
                    if (text.contains(keyLines.get(i))) {
                        throw new AssertionError(what + " holds line " + (i + 1) + " of a private key's base64");
                    }
                }
            }
        }
    }
}
