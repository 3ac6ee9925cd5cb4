package dev.mcprefresh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcprefresh.core.json.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A token goes only to its own identity. A multi-tenant app (one JVM, two transports to one MCP URL, alice's static
 * JWT on transport A, bob's on transport B, each request naming its user in {@code X-Test-User}) against an MCP SDK
 * server whose gate refuses, with 403 and a {@code wrongUser} count, any valid token of another subject. The store
 * holds alice's grant only: alice survives expiry, bob keeps his own token and fails at its expiry as without the
 * agent, and no call ever runs as the wrong user. The store holds both grants: both survive, each as itself.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IdentityBoundaryTest {
    /** Over three 3-second lifetimes of app-jwt's tokens. */
    private static final int ROUNDS = KeepAliveScenario.CALLS;
    private static final long INTERVAL_MILLIS = KeepAliveScenario.INTERVAL_MILLIS;
    private static final String ALICE = "alice";
    private static final String BOB = "bob";
    private static final String CLIENT = AuthorizationServer.JWT_CLIENT;

    private ItServers servers;
    private AuthorizationServer as;
    private McpServerProcess server;

    @BeforeAll
    void startServers(@TempDir Path dir) throws Exception {
        servers = ItServers.start(dir);
        as = servers.as;
        server = servers.mcp("2.1", "streamable");
    }

    @AfterAll
    void stopAll() {
        if (servers != null) {
            servers.close();
        }
    }

    /**
     * What the agent relies on to learn a grant's identity, and the gate to check it: app-jwt's resource-bound
     * access tokens are JWTs naming the user, also after a refresh that sends the resource, which also returns an ID
     * token (scope openid). Without the resource, oidc-provider answers a refresh with an opaque token for its own
     * userinfo endpoint (still with an ID token): the stored resource must be sent.
     */
    @Test
    void jwtAccessTokensNameTheUserAtLoginAndAfterARefreshWithTheResource() throws Exception {
        AuthorizationServer.Tokens bob = as.login(CLIENT, BOB, server.mcpUrl);
        Map<String, Object> claims = jwtClaims(bob.accessToken());
        assertEquals(BOB, claims.get("sub"));
        assertEquals(as.issuer, claims.get("iss"));
        assertEquals(server.mcpUrl, claims.get("aud"));
        assertEquals("at+jwt", jwtHeader(bob.accessToken()).get("typ"));
        assertEquals(BOB, jwtClaims(bob.idToken()).get("sub"));
        assertEquals(ALICE, jwtClaims(as.login(CLIENT, null, server.mcpUrl).accessToken()).get("sub"),
                "without a login_hint the login is alice's");

        Map<String, Object> refreshed = as.refresh(CLIENT, bob.refreshToken(), server.mcpUrl);
        assertEquals(BOB, jwtClaims((String) refreshed.get("access_token")).get("sub"));
        assertNotNull(refreshed.get("id_token"), "a refresh of an openid grant returns an ID token");
        assertEquals(BOB, jwtClaims((String) refreshed.get("id_token")).get("sub"));

        Map<String, Object> withoutResource = as.refresh(CLIENT, (String) refreshed.get("refresh_token"), null);
        assertTrue(((String) withoutResource.get("access_token")).split("\\.").length != 3,
                "without the resource oidc-provider issues an opaque (userinfo) token");
        assertEquals(BOB, jwtClaims((String) withoutResource.get("id_token")).get("sub"));
    }

    /**
     * The gate tells users apart, so that a wrongUser count of 0 later means something, and checks JWTs as strictly
     * as introspection checks opaque tokens.
     */
    @Test
    void theGateRefusesAValidTokenOfAnotherUser() throws Exception {
        String alicesToken = as.login(CLIENT, ALICE, server.mcpUrl).accessToken();
        long wrongBefore = server.gateStat("wrongUser");
        assertEquals(403, post(alicesToken, BOB), "alice's token on a request for bob");
        assertEquals(wrongBefore + 1, server.gateStat("wrongUser"));
        int asAlice = post(alicesToken, ALICE);
        assertTrue(asAlice != 401 && asAlice != 403, "alice's token on a request for alice passes the gate: " + asAlice);
        assertEquals(401, post(as.login(CLIENT, ALICE, server.mcpUrl).idToken(), ALICE),
                "an ID token is not an access token");
        assertEquals(401, post(as.login(CLIENT, ALICE, "http://127.0.0.1:1/mcp").accessToken(), ALICE),
                "a token for another server is refused");
        Thread.sleep(3100); // app-jwt tokens live 3 s
        assertEquals(401, post(alicesToken, ALICE), "an expired JWT is refused");
    }

    @Test
    void withoutTheAgentBothTransportsFailWhenTheirTokensExpire() throws Exception {
        Secrets secrets = new Secrets();
        Path dir = Files.createDirectories(servers.work.resolve("multi-tenant-plain"));
        long wrongBefore = server.gateStat("wrongUser");
        try (MultiTenantRun run = MultiTenantRun.start(server.baseUrl, ALICE, BOB, null, ROUNDS, INTERVAL_MILLIS,
                dir)) {
            login(run, secrets).finish();
            System.out.println(run.process.name() + ": A " + run.a + ", B " + run.b);
            assertTrue(run.a.ok() >= 1 && run.a.failed() > 0, "A works, then fails at expiry: " + run.a + "\n"
                    + run.output());
            assertTrue(run.b.ok() >= 1 && run.b.failed() > 0, "B works, then fails at expiry: " + run.b + "\n"
                    + run.output());
            assertEquals(wrongBefore, server.gateStat("wrongUser"), "no call may run as the wrong user");
            secrets.assertNotIn(run.process.name(), run.output());
        }
    }

    /**
     * Only alice's grant is stored. Transport A (alice's JWT) gets alice's fresh tokens and never fails; transport B
     * (bob's JWT, an identity the store does not hold) keeps bob's own token: its first call works and it fails at
     * that token's expiry, exactly as without the agent, and it never gets alice's token.
     */
    @Test
    void storeWithAlicesGrantKeepsAliceAliveAndLeavesBobsOwnTokenAlone() throws Exception {
        Secrets secrets = new Secrets();
        Path dir = Files.createDirectories(servers.work.resolve("multi-tenant-alice-stored"));
        Path store = dir.resolve("store/tokens.json");
        AgentCli.Result add = seed(dir, store, ALICE, secrets);

        long wrongBefore = server.gateStat("wrongUser");
        long checkedBefore = server.gateStat("userChecked");
        long refreshesBefore = as.tokenGrants("refresh_token");
        try (MultiTenantRun run = MultiTenantRun.start(server.baseUrl, ALICE, BOB, store, ROUNDS, INTERVAL_MILLIS,
                dir)) {
            login(run, secrets).finish();
            System.out.println(run.process.name() + ": A " + run.a + ", B " + run.b);
            secrets.addFromStore(store);
            assertAliceNeverFailsAndNoCallRanAsTheWrongUser(run, wrongBefore);
            assertTrue(run.b.ok() >= 1, "bob's transport works with his own token at first: " + run.b + "\n"
                    + run.output());
            assertTrue(run.b.failed() > 0, "bob's transport fails at his own token's expiry, as without the agent: "
                    + run.b + "\n" + run.output());
            assertTrue(server.gateStat("userChecked") - checkedBefore >= run.a.ok() + run.b.ok(),
                    "every accepted call was checked against its user");
            assertTrue(as.tokenGrants("refresh_token") - refreshesBefore >= 3,
                    "alice's session spans over three token lifetimes, so it must refresh");
            assertEquals(Set.of(ALICE), storedSubjects(store), "the store holds alice's grant, and the agent never "
                    + "adds bob's identity");
            secrets.assertNotIn(run.process.name(), run.output());
        }
        secrets.assertNotIn("mcp-refresh add", add.output());
        secrets.assertNotIn("oidc-provider", as.output());
        secrets.assertNotIn("MCP server", server.output());
    }

    /** Both grants stored (two adds for one URL add two entries): both transports survive expiry, each as itself. */
    @Test
    void storeWithBothGrantsKeepsBothAliveEachAsThemselves() throws Exception {
        Secrets secrets = new Secrets();
        Path dir = Files.createDirectories(servers.work.resolve("multi-tenant-both-stored"));
        Path store = dir.resolve("store/tokens.json");
        AgentCli.Result addAlice = seed(dir, store, ALICE, secrets);
        AgentCli.Result addBob = seed(dir, store, BOB, secrets);
        assertEquals(Set.of(ALICE, BOB), storedSubjects(store),
                "a second user's add for the same URL adds an entry and keeps the first");
        for (Map<String, Object> e : Secrets.storeEntries(store)) {
            assertEquals(server.mcpUrl, e.get("server_url"));
            assertEquals(as.issuer, e.get("issuer"), "an entry's identity is the issuer and the subject");
        }

        long wrongBefore = server.gateStat("wrongUser");
        long checkedBefore = server.gateStat("userChecked");
        try (MultiTenantRun run = MultiTenantRun.start(server.baseUrl, ALICE, BOB, store, ROUNDS, INTERVAL_MILLIS,
                dir)) {
            login(run, secrets).finish();
            System.out.println(run.process.name() + ": A " + run.a + ", B " + run.b);
            secrets.addFromStore(store);
            assertAliceNeverFailsAndNoCallRanAsTheWrongUser(run, wrongBefore);
            assertEquals(new MultiTenantRun.Tally(ROUNDS, 0), run.b, "bob's transport must never fail:\n"
                    + run.output());
            assertTrue(server.gateStat("userChecked") - checkedBefore >= 2L * ROUNDS,
                    "every accepted call was checked against its user");
            assertEquals(Set.of(ALICE, BOB), storedSubjects(store), "both entries are still there");
            secrets.assertNotIn(run.process.name(), run.output());
        }
        secrets.assertNotIn("mcp-refresh add", addAlice.output());
        secrets.assertNotIn("mcp-refresh add", addBob.output());
        secrets.assertNotIn("oidc-provider", as.output());
        secrets.assertNotIn("MCP server", server.output());
    }

    /** The app's static tokens: fresh logins of alice (transport A) and bob (transport B), JWTs for the MCP URL. */
    private MultiTenantRun login(MultiTenantRun run, Secrets secrets) throws Exception {
        AuthorizationServer.Tokens alice = as.login(CLIENT, ALICE, server.mcpUrl);
        AuthorizationServer.Tokens bob = as.login(CLIENT, BOB, server.mcpUrl);
        secrets.add(alice);
        secrets.add(bob);
        return run.tokens(alice.accessToken(), bob.accessToken());
    }

    /** {@code add} of a fresh grant of {@code user}, bound to the MCP URL (so its refreshes return JWTs). */
    private AgentCli.Result seed(Path dir, Path store, String user, Secrets secrets) throws Exception {
        AuthorizationServer.Tokens grant = as.login(CLIENT, user, server.mcpUrl);
        secrets.add(grant);
        AgentCli.Result add = KeepAliveScenario.seed(dir, server.mcpUrl, CLIENT, grant.refreshToken(), store,
                server.mcpUrl);
        secrets.addFromStore(store);
        return add;
    }

    /** The subjects of the store's entries for the MCP URL; fails when two entries have the same subject. */
    private Set<String> storedSubjects(Path store) throws Exception {
        List<Map<String, Object>> entries = Secrets.storeEntries(store).stream()
                .filter(e -> server.mcpUrl.equals(e.get("server_url"))).collect(Collectors.toList());
        Set<String> subjects = new TreeSet<>();
        for (Map<String, Object> e : entries) {
            subjects.add(String.valueOf(e.get("subject")));
        }
        assertEquals(entries.size(), subjects.size(), "one entry per identity: " + subjects);
        return subjects;
    }

    private int post(String token, String user) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(server.mcpUrl))
                .header("Authorization", "Bearer " + token).header("X-Test-User", user)
                .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    static Map<String, Object> jwtClaims(String jwt) {
        return jwtPart(jwt, 1);
    }

    static Map<String, Object> jwtHeader(String jwt) {
        return jwtPart(jwt, 0);
    }

    private static Map<String, Object> jwtPart(String jwt, int part) {
        String[] parts = jwt.split("\\.");
        assertEquals(3, parts.length, "not a JWT (" + jwt.length() + " chars)");
        return Json.parseObject(new String(Base64.getUrlDecoder().decode(parts[part]), StandardCharsets.UTF_8)
                .getBytes(StandardCharsets.UTF_8));
    }

    private void assertAliceNeverFailsAndNoCallRanAsTheWrongUser(MultiTenantRun run, long wrongBefore) throws Exception {
        long wrongUser = server.gateStat("wrongUser") - wrongBefore;
        assertEquals(0, wrongUser, "calls ran as the wrong user (" + wrongUser + " refused by the gate):\n"
                + run.output());
        assertEquals(new MultiTenantRun.Tally(ROUNDS, 0), run.a, "alice's transport must never fail:\n"
                + run.output());
    }
}
