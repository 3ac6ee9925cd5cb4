package dev.mcprefresh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcprefresh.core.json.Json;
import dev.mcprefresh.core.oauth.OAuthHttp;
import dev.mcprefresh.core.oauth.TokenEndpointClient;
import dev.mcprefresh.core.oauth.TokenEndpointException;
import dev.mcprefresh.core.store.TokenRecord;
import dev.mcprefresh.core.store.FileTokenStore;
import dev.mcprefresh.core.store.TokenStore;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI against the real authorization server and MCP server: login (browser step driven over HTTP, dynamic and
 * pre-registered clients, device grant), doctor on a good and a badly configured server, logout with revocation,
 * attach to a running app whose calls fail, and every command's help and bad input.
 */
class CliTest {
    @TempDir
    static Path work;
    private static AuthorizationServer as;
    private static McpServerProcess server;

    @BeforeAll
    static void start() throws Exception {
        as = AuthorizationServer.start(Files.createDirectories(work.resolve("as")));
        server = McpServerProcess.start("2.1", "streamable", as, work);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (as != null) {
            as.close();
        }
    }

    private static TokenStore store(Path file) {
        return new FileTokenStore(file, Duration.ofSeconds(5));
    }

    @Test
    void loginWithDynamicRegistrationStoresCredentialsTheAgentKeepsFresh() throws Exception {
        Path dir = Files.createDirectories(work.resolve("login-dcr"));
        Path storeFile = dir.resolve("store/tokens.json");
        AgentCli.Result login = BrowserLogin.run(as, dir, "login", server.mcpUrl, "--no-browser", "--store",
                storeFile.toString());
        assertEquals(0, login.exitCode(), login.output());
        assertTrue(login.output().contains("registered client"), login.output());
        assertTrue(login.output().contains("refresh token: yes"), login.output());
        TokenRecord r = store(storeFile).read().soleEntry(server.mcpUrl);
        assertNotNull(r.clientId());
        assertNotNull(r.refreshToken());
        assertEquals(server.mcpUrl, r.resource(), "the resource of the protected resource metadata (RFC 8707)");
        assertTrue(login.output().contains("offline_access"), "the authorization request asks for offline_access");
        Secrets secrets = new Secrets();
        secrets.addFromStore(storeFile);
        secrets.assertNotIn("login", login.output());
        AgentCli.Result status = AgentCli.run(dir, "status", "--store", storeFile.toString());
        AgentCli.Result statusJson = AgentCli.run(dir, "status", "--json", "--store", storeFile.toString());
        assertEquals(0, status.exitCode(), status.output());
        assertTrue(status.output().contains(server.mcpUrl) && status.output().contains(r.clientId()), status.output());
        secrets.assertNotIn("status", status.output() + statusJson.output());

        // The registered client is the one refresh uses: an app with a dead static token works for 3+ lifetimes.
        try (ClientRun run = ClientRun.start("2.1", "streamable-requestBuilder", server.baseUrl, "not-a-valid-token",
                storeFile, 6, 1000, dir)) {
            run.finish();
            assertEquals(6, run.ok, run.output());
            secrets.addFromStore(storeFile);
            secrets.assertNotIn("app", run.output());
        }
    }

    @Test
    void loginWithAPreRegisteredConfidentialClientOnAFixedPort() throws Exception {
        Path dir = Files.createDirectories(work.resolve("login-registered"));
        int port = ItEnv.freePort();
        Map<String, Object> client = register(Map.of("redirect_uris", List.of("http://127.0.0.1:" + port + "/callback"),
                "application_type", "native", "token_endpoint_auth_method", "client_secret_basic",
                "grant_types", List.of("authorization_code", "refresh_token"), "response_types", List.of("code")));
        Path secretFile = dir.resolve("secret.txt");
        Files.writeString(secretFile, (String) client.get("client_secret"));
        Path storeFile = dir.resolve("store/tokens.json");
        AgentCli.Result login = BrowserLogin.run(as, dir, "login", server.mcpUrl, "--client-id",
                (String) client.get("client_id"), "--client-secret-file", secretFile.toString(), "--port",
                String.valueOf(port), "--no-browser", "--store", storeFile.toString());
        assertEquals(0, login.exitCode(), login.output());
        assertFalse(login.output().contains("registered client"), "a given client is not registered again");
        TokenRecord r = store(storeFile).read().soleEntry(server.mcpUrl);
        assertEquals(client.get("client_id"), r.clientId());
        assertEquals(TokenRecord.AUTH_BASIC, r.authMethod());
        AgentCli.Result refresh = AgentCli.run(dir, "refresh", server.mcpUrl, "--store", storeFile.toString());
        assertEquals(0, refresh.exitCode(), refresh.output());
        Secrets secrets = new Secrets();
        secrets.add((String) client.get("client_secret"));
        secrets.addFromStore(storeFile);
        secrets.assertNotIn("login", login.output());
        secrets.assertNotIn("refresh", refresh.output());
    }

    @Test
    void deviceLoginForAMachineWithoutABrowser() throws Exception {
        Path dir = Files.createDirectories(work.resolve("login-device"));
        Path storeFile = dir.resolve("store/tokens.json");
        try (ForkedProcess cli = AgentCli.start(dir, "login", server.mcpUrl, "--device", "--store",
                storeFile.toString())) {
            String line = cli.awaitLine(l -> l.startsWith("or open: "), Duration.ofSeconds(60));
            as.approveDevice(URI.create(line.substring("or open: ".length()).trim()));
            assertEquals(0, cli.waitFor(Duration.ofSeconds(60)), cli.output());
            assertTrue(cli.output().contains("refresh token: yes"), cli.output());
        }
        assertNotNull(store(storeFile).read().soleEntry(server.mcpUrl).refreshToken());
    }

    @Test
    void doctorOnAWellConfiguredServerSaysRefreshWorksAndProvesItLive() throws Exception {
        Path dir = Files.createDirectories(work.resolve("doctor-good"));
        Path storeFile = seed(dir, as.login("app"));
        AgentCli.Result doctor = AgentCli.run(dir, "doctor", server.mcpUrl, "--store", storeFile.toString());
        assertEquals(0, doctor.exitCode(), doctor.output());
        assertTrue(doctor.output().contains("[OK  ] offline_access scope"), doctor.output());
        assertTrue(doctor.output().contains("[OK  ] PKCE S256"), doctor.output());
        assertTrue(doctor.output().contains("refresh will work."), doctor.output());

        String before = store(storeFile).read().soleEntry(server.mcpUrl).refreshToken();
        AgentCli.Result live = AgentCli.run(dir, "doctor", server.mcpUrl, "--live", "--json", "--store",
                storeFile.toString());
        assertEquals(0, live.exitCode(), live.output());
        String stdout = String.join("\n", live.output().lines().filter(l -> !l.startsWith("[err] ")).toList());
        Map<String, Object> report = Json.parseObject(stdout.getBytes(StandardCharsets.UTF_8));
        assertEquals(Boolean.TRUE, report.get("refresh_will_work"));
        String findings = String.valueOf(report.get("findings"));
        assertTrue(findings.contains("the server rotates refresh tokens"), findings);
        assertTrue(findings.contains("it lives about 2 s") || findings.contains("it lives about 3 s"), findings);
        assertTrue(findings.contains("check=MCP server accepts the refreshed token, level=ok"), findings);
        assertFalse(before.equals(store(storeFile).read().soleEntry(server.mcpUrl).refreshToken()),
                "the rotated refresh token was stored");
        Secrets secrets = new Secrets();
        secrets.add(before);
        secrets.addFromStore(storeFile);
        secrets.assertNotIn("doctor", doctor.output() + live.output());
    }

    @Test
    void doctorOnAServerThatIssuesNoRefreshTokenSaysWhatToFix() throws Exception {
        Path dir = Files.createDirectories(work.resolve("doctor-bad"));
        try (AuthorizationServer bad = AuthorizationServer.start(dir, List.of("openid", "mcp"));
                McpServerProcess badServer = McpServerProcess.start("2.1", "streamable", bad, dir)) {
            Path storeFile = dir.resolve("store/tokens.json");
            AgentCli.Result login = BrowserLogin.run(bad, dir, "login", badServer.mcpUrl, "--no-browser", "--store",
                    storeFile.toString());
            assertEquals(0, login.exitCode(), login.output());
            assertTrue(login.output().contains("held NO refresh token"), login.output());
            assertTrue(login.output().contains("enable the offline_access scope"), login.output());

            AgentCli.Result doctor = AgentCli.run(dir, "doctor", badServer.mcpUrl, "--store", storeFile.toString());
            assertEquals(1, doctor.exitCode(), doctor.output());
            assertTrue(doctor.output().contains("[WARN] offline_access scope"), doctor.output());
            assertTrue(doctor.output().contains("fix: on the authorization server, enable the offline_access scope"),
                    doctor.output());
            assertTrue(doctor.output().contains("[FAIL] stored credential: no refresh token"), doctor.output());
            assertTrue(doctor.output().contains("refresh will NOT work"), doctor.output());
        }
    }

    @Test
    void doctorFlagsARefreshTokenThatLivesThirtySeconds() throws Exception {
        Path dir = Files.createDirectories(work.resolve("doctor-short-refresh"));
        Path storeFile = seed(dir, as, server, "app-short-refresh", as.login("app-short-refresh"));
        AgentCli.Result live = AgentCli.run(dir, "doctor", server.mcpUrl, "--live", "--store", storeFile.toString());
        assertEquals(1, live.exitCode(), live.output());
        assertTrue(live.output().matches("(?s).*\\[FAIL\\] refresh token lifetime: about [0-9]{1,2} s \\(from token"
                + " introspection\\).*"), live.output());
        assertTrue(live.output().contains("give refresh tokens a life of days, not minutes"), live.output());
        assertTrue(live.output().contains("[OK  ] MCP server accepts the refreshed token"), live.output());
    }

    /**
     * A refresh token that dies after 30 s unused, stated nowhere but in introspection: status says idle apps are not
     * covered; doctor --live (5 s after the last refresh, so a sliding end can be told from a fixed one) measures the
     * idle lifetime and stores it, and from then on status shows the keep-alive a running app follows.
     */
    @Test
    void doctorMeasuresAnIdleLifetimeAndStatusShowsTheKeepAlive() throws Exception {
        Path dir = Files.createDirectories(work.resolve("doctor-idle"));
        Path storeFile = seed(dir, as, server, "app-short-refresh", as.login("app-short-refresh"));
        AgentCli.Result before = AgentCli.run(dir, "status", "--store", storeFile.toString());
        assertTrue(before.output().contains("none: idle life unknown"), before.output());
        Thread.sleep(5000);
        AgentCli.Result live = AgentCli.run(dir, "doctor", server.mcpUrl, "--live", "--store", storeFile.toString());
        assertTrue(live.output().matches("(?s).*\\[WARN\\] refresh token idle lifetime: about (2[5-9]|30) s, extended"
                + " by each refresh: a running app's agent refreshes an idle grant before it ends \\(stored for the"
                + " agent\\).*"), live.output());
        TokenRecord stored = store(storeFile).read().soleEntry(server.mcpUrl);
        assertTrue(stored.refreshIdleSeconds() >= 25 && stored.refreshIdleSeconds() <= 30, stored.toString());
        assertEquals(null, stored.sessionEndsAt());
        AgentCli.Result after = AgentCli.run(dir, "status", "--store", storeFile.toString());
        assertTrue(after.output().matches("(?s).*present, idle end in [0-9]+ s +in [0-9]+ s to [0-9]+ s .*"),
                after.output());
        Map<String, Object> json = statusJson(dir, storeFile);
        assertEquals("the idle lifetime stored for the server", json.get("refresh_deadline_source"), json.toString());
        assertTrue(json.get("next_keepalive_from") != null, json.toString());
        Secrets secrets = new Secrets();
        secrets.addFromStore(storeFile);
        secrets.assertNotIn("doctor and status", before.output() + live.output() + after.output());
    }

    /**
     * A grant with a session maximum: the refresh 5 s after the last one does not move the refresh token's end, so
     * doctor --live reports (and stores) the fixed end; status then names it.
     */
    @Test
    void doctorTellsASessionMaximumFromAnIdleLifetime() throws Exception {
        Path dir = Files.createDirectories(work.resolve("doctor-session-max"));
        Path storeFile = seed(dir, as, server, AuthorizationServer.SESSION_MAX_CLIENT,
                as.login(AuthorizationServer.SESSION_MAX_CLIENT));
        Thread.sleep(5000);
        AgentCli.Result live = AgentCli.run(dir, "doctor", server.mcpUrl, "--live", "--store", storeFile.toString());
        assertTrue(live.output().contains("[WARN] session maximum: the refresh token's end ("), live.output());
        assertTrue(live.output().contains("did not move with the refresh: the grant ends then whatever is refreshed"),
                live.output());
        TokenRecord stored = store(storeFile).read().soleEntry(server.mcpUrl);
        assertTrue(stored.sessionEndsAt() != null, stored.toString());
        AgentCli.Result status = AgentCli.run(dir, "status", "--store", storeFile.toString());
        assertTrue(status.output().contains("none: fixed end"), status.output());
        assertTrue(status.output().contains("ends at " + stored.sessionEndsAt()), status.output());
    }

    /** --refresh-idle is stored as given; a re-add without it keeps it; a bad value is a usage error. */
    @Test
    void addStoresTheIdleLifetimeTheUserGives() throws Exception {
        Path dir = Files.createDirectories(work.resolve("add-idle"));
        Path rt = dir.resolve("rt.txt");
        Files.writeString(rt, as.login("app-long").refreshToken());
        Path storeFile = dir.resolve("store/tokens.json");
        AgentCli.Result add = AgentCli.run(dir, "add", server.mcpUrl, "--client-id", "app-long",
                "--refresh-token-file", rt.toString(), "--refresh-idle", "45m", "--store", storeFile.toString());
        assertEquals(0, add.exitCode(), add.output());
        assertEquals(2700L, store(storeFile).read().soleEntry(server.mcpUrl).refreshIdleSeconds());
        Map<String, Object> json = statusJson(dir, storeFile);
        assertEquals(2700L, json.get("refresh_idle_seconds"), json.toString());
        assertTrue(json.get("next_keepalive_from") != null, json.toString());
        assertUsage(AgentCli.run(dir, "add", server.mcpUrl, "--client-id", "app-long", "--refresh-token-file",
                rt.toString(), "--refresh-idle", "0", "--store", storeFile.toString()), 2,
                "--refresh-idle must be a positive lifetime such as 45s, 30m, 12h or 7d");
    }

    /** The one server entry of {@code status --json}. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> statusJson(Path dir, Path storeFile) throws Exception {
        AgentCli.Result r = AgentCli.run(dir, "status", "--json", "--store", storeFile.toString());
        assertEquals(0, r.exitCode(), r.output());
        String stdout = String.join("\n", r.output().lines().filter(l -> !l.startsWith("[err] ")).toList());
        List<Object> servers = (List<Object>) Json.parseObject(stdout.getBytes(StandardCharsets.UTF_8)).get("servers");
        return (Map<String, Object>) servers.get(0);
    }

    @Test
    void logoutRevokesTheRefreshTokenAndForgetsTheServer() throws Exception {
        Path dir = Files.createDirectories(work.resolve("logout"));
        Path storeFile = seed(dir, as.login("app"));
        TokenRecord stored = store(storeFile).read().soleEntry(server.mcpUrl);
        AgentCli.Result logout = AgentCli.run(dir, "logout", server.mcpUrl, "--store", storeFile.toString());
        assertEquals(0, logout.exitCode(), logout.output());
        assertTrue(logout.output().contains("revoked the refresh token"), logout.output());
        assertNull(store(storeFile).read().soleEntry(server.mcpUrl));
        TokenEndpointException dead = assertThrows(TokenEndpointException.class,
                () -> new TokenEndpointClient(new OAuthHttp(Duration.ofSeconds(5)), Clock.systemUTC()).refresh(stored));
        assertTrue(dead.needsLogin(), dead.getMessage());
        AgentCli.Result again = AgentCli.run(dir, "logout", server.mcpUrl, "--store", storeFile.toString());
        assertEquals(1, again.exitCode(), again.output());
        assertTrue(again.output().contains("no stored server"), again.output());
    }

    @Test
    void attachFixesARunningAppWhoseCallsFailWithoutARestart() throws Exception {
        String out = attachToAFailingApp(ItEnv.java(), as, server, Files.createDirectories(work.resolve("attach")));
        assertFalse(out.contains("loaded dynamically"), "JDK 17 prints nothing about a dynamically loaded agent");
    }

    /**
     * An app with a static 5-second token runs on {@code java} without the agent; once its calls fail, {@code attach}
     * (run with the same JDK) loads the agent and every later call works. Returns the app's output.
     */
    static String attachToAFailingApp(Path java, AuthorizationServer as, McpServerProcess server, Path dir)
            throws Exception {
        Path storeFile = seed(dir, as, server, "app", as.login("app"));
        // 5 s: long enough for the app to start and initialise on any JDK, short enough for its calls to fail soon.
        String staticToken = as.login("app-5s").accessToken();
        try (ClientRun run = ClientRun.start(java, "2.1", "streamable-requestBuilder", server.baseUrl, staticToken,
                null, 16, 1000, dir, line -> { })) {
            run.awaitLine(l -> l.matches("CALL \\d+ FAIL.*"), Duration.ofSeconds(30));
            AgentCli.Result attach = AgentCli.run(java, dir, "attach", String.valueOf(run.pid()), "--store",
                    storeFile.toString(), "--log-level", "debug");
            assertEquals(0, attach.exitCode(), attach.output());
            run.finish();
            String out = run.output();
            assertTrue(run.failed > 0, "the calls failed before the attach:\n" + out);
            assertTrue(out.contains("a running MCP transport to " + server.mcpUrl + " now takes its tokens"), out);
            List<String> calls = out.lines().filter(l -> l.startsWith("CALL ")).toList();
            for (String last : calls.subList(calls.size() - 5, calls.size())) {
                assertTrue(last.endsWith(" OK"), "after the attach every call works:\n" + out);
            }
            return out;
        }
    }

    @Test
    void everyCommandHasHelpAndRejectsBadInputClearly() throws Exception {
        Path dir = Files.createDirectories(work.resolve("bad-input"));
        for (String command : List.of("add", "status", "refresh", "login", "doctor", "logout", "attach")) {
            AgentCli.Result help = AgentCli.run(dir, command, "--help");
            assertEquals(0, help.exitCode(), help.output());
            assertTrue(help.output().startsWith("usage: java -jar mcp-refresh.jar " + command), help.output());
        }
        String store = dir.resolve("tokens.json").toString();
        assertUsage(AgentCli.run(dir, "login", "not-a-url", "--store", store), 2, "must be an absolute http(s) URL");
        assertUsage(AgentCli.run(dir, "login", server.mcpUrl, "--bogus"), 2, "unknown option --bogus");
        assertUsage(AgentCli.run(dir, "doctor", "http://127.0.0.1:" + ItEnv.freePort() + "/mcp", "--store", store), 1,
                "[FAIL] authorization server metadata");
        assertUsage(AgentCli.run(dir, "logout", "http://127.0.0.1:1/none", "--store", store), 1, "no stored server");
        assertUsage(AgentCli.run(dir, "attach", "not-a-pid"), 2, "expected exactly one <pid>");
        assertUsage(AgentCli.run(dir, "attach", "999999999"), 1, "cannot attach to process 999999999");
        assertUsage(AgentCli.run(dir, "frobnicate"), 2, "unknown command 'frobnicate'");
    }

    private static void assertUsage(AgentCli.Result r, int exit, String message) {
        assertEquals(exit, r.exitCode(), r.output());
        assertTrue(r.output().contains(message), r.output());
    }

    private static Path seed(Path dir, AuthorizationServer.Tokens tokens) throws Exception {
        return seed(dir, as, server, "app", tokens);
    }

    /** The store seeded with {@code add} from a login's refresh token. */
    static Path seed(Path dir, AuthorizationServer as, McpServerProcess server, String clientId,
            AuthorizationServer.Tokens tokens) throws Exception {
        Path rt = dir.resolve("rt.txt");
        Files.writeString(rt, tokens.refreshToken());
        Path storeFile = dir.resolve("store/tokens.json");
        AgentCli.Result add = AgentCli.run(dir, "add", server.mcpUrl, "--client-id", clientId, "--refresh-token-file",
                rt.toString(), "--store", storeFile.toString());
        assertEquals(0, add.exitCode(), add.output());
        return storeFile;
    }

    /** RFC 7591 registration done by the test, as an administrator would register a client by hand. */
    private static Map<String, Object> register(Map<String, Object> metadata) throws Exception {
        HttpResponse<byte[]> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(as.issuer + "/reg"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(Json.write(metadata))).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(201, r.statusCode(), new String(r.body(), StandardCharsets.UTF_8));
        return Json.parseObject(r.body());
    }
}
