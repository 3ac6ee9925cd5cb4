package dev.mcprefresh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcprefresh.core.json.Json;
import dev.mcprefresh.core.store.FileTokenStore;
import dev.mcprefresh.core.store.TokenRecord;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code login} asks for and what it takes back, against the real authorization server (oidc-provider, which
 * sends RFC 9207 {@code iss} and says so) and a real MCP server: an authorization response naming another issuer, or
 * none, is refused before the code reaches the token endpoint; a dynamically registered client is a native app with
 * the refresh grant; a step-up login asks for the granted scope and the requested one together; doctor reports the
 * issuer check and what service accounts need.
 */
class LoginRulesTest {

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

    private static Map<String, String> query(URI uri) {
        Map<String, String> out = new LinkedHashMap<>();
        String raw = uri.getRawQuery();
        if (raw != null) {
            for (String kv : raw.split("&")) {
                int eq = kv.indexOf('=');
                out.put(URLDecoder.decode(eq < 0 ? kv : kv.substring(0, eq), StandardCharsets.UTF_8),
                        eq < 0 ? "" : URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    /** The same redirect with its {@code iss} replaced by {@code issuer}, or removed when it is null. */
    private static URI withIssuer(URI response, String issuer) {
        List<String> kept = new ArrayList<>();
        for (String kv : response.getRawQuery().split("&")) {
            if (!kv.startsWith("iss=")) {
                kept.add(kv);
            }
        }
        if (issuer != null) {
            kept.add("iss=" + URLEncoder.encode(issuer, StandardCharsets.UTF_8));
        }
        String s = response.toString();
        return URI.create(s.substring(0, s.indexOf('?') + 1) + String.join("&", kept));
    }

    private static Set<String> scopes(URI authorizeUrl) {
        String scope = query(authorizeUrl).get("scope");
        return scope == null ? Set.of() : new LinkedHashSet<>(List.of(scope.trim().split(" +")));
    }

    private static List<TokenRecord> stored(Path storeFile) {
        return new FileTokenStore(storeFile, Duration.ofSeconds(5)).read().forServer(server.mcpUrl);
    }

    private static Map<String, Object> getJson(String url) throws Exception {
        HttpResponse<byte[]> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, r.statusCode(), url);
        return Json.parseObject(r.body());
    }

    /** Asserts the login was refused for RFC 9207 and nothing reached the token endpoint or the store. */
    private static void assertRefusedUnredeemed(BrowserLogin.Finished login, long codeRequestsBefore, Path storeFile)
            throws Exception {
        assertEquals(1, login.exitCode(), login.output());
        assertTrue(login.output().contains("RFC 9207"), login.output());
        assertTrue(login.output().contains("the code was not redeemed"), login.output());
        assertEquals(codeRequestsBefore, as.tokenRequests("authorization_code"),
                "no authorization_code token request, neither granted nor refused:\n" + login.output());
        assertTrue(stored(storeFile).isEmpty(), "nothing stored");
        String code = query(login.sentResponse()).get("code");
        assertFalse(login.output().contains(code), "the authorization code is not printed");
    }

    @Test
    void aMixUpIsRefusedBeforeTheCodeIsRedeemed() throws Exception {
        Path dir = Files.createDirectories(work.resolve("mix-up"));
        // The provider advertises RFC 9207 and sends iss: without that the refusals below would prove nothing.
        Map<String, Object> meta = getJson(as.issuer + "/.well-known/openid-configuration");
        assertEquals(Boolean.TRUE, meta.get("authorization_response_iss_parameter_supported"), meta.toString());

        // The unmodified answer, naming this issuer, logs in: the check takes the right one.
        Path okStore = dir.resolve("ok/tokens.json");
        long before = as.tokenRequests("authorization_code");
        var ok = BrowserLogin.run(as, dir, UnaryOperator.identity(), "login", server.mcpUrl, "--no-browser", "--store",
                okStore.toString());
        assertEquals(as.issuer, query(ok.sentResponse()).get("iss"), "oidc-provider names itself in the response");
        assertEquals(0, ok.exitCode(), ok.output());
        assertEquals(before + 1, as.tokenRequests("authorization_code"), "the right answer's code was redeemed once");
        assertEquals(1, stored(okStore).size());
        Secrets secrets = new Secrets();
        secrets.addFromStore(okStore);
        secrets.assertNotIn("login", ok.output());

        // Another real authorization server's issuer (the mix-up), and this one's with a trailing slash (RFC 9207
        // compares by simple string comparison, no normalisation).
        Path otherDir = Files.createDirectories(dir.resolve("other-as"));
        try (AuthorizationServer other = AuthorizationServer.start(otherDir)) {
            for (String wrong : List.of(other.issuer, as.issuer + "/")) {
                Path storeFile = dir.resolve("refused-" + Integer.toHexString(wrong.hashCode()) + "/tokens.json");
                long codeRequests = as.tokenRequests("authorization_code");
                long otherCodeRequests = other.tokenRequests("authorization_code");
                var login = BrowserLogin.run(as, dir, back -> withIssuer(back, wrong), "login", server.mcpUrl,
                        "--no-browser", "--store", storeFile.toString());
                assertRefusedUnredeemed(login, codeRequests, storeFile);
                assertTrue(login.output().contains("came from issuer " + wrong), login.output());
                assertEquals(otherCodeRequests, other.tokenRequests("authorization_code"),
                        "nor was it sent to the other server");
            }
        }
    }

    @Test
    void aResponseWithoutIssIsRefusedWhenTheServerAdvertisesIt() throws Exception {
        Path dir = Files.createDirectories(work.resolve("no-iss"));
        Path storeFile = dir.resolve("store/tokens.json");
        long codeRequests = as.tokenRequests("authorization_code");
        var login = BrowserLogin.run(as, dir, back -> withIssuer(back, null), "login", server.mcpUrl, "--no-browser",
                "--store", storeFile.toString());
        assertNotNull(query(login.sentResponse()).get("iss"), "the server sent iss; the test removed it");
        assertRefusedUnredeemed(login, codeRequests, storeFile);
        assertTrue(login.output().contains("carried no iss"), login.output());
    }

    @Test
    void dynamicRegistrationSaysItIsANativeAppAndAsksForRefresh() throws Exception {
        Path dir = Files.createDirectories(work.resolve("dcr"));
        int registrations = as.registrations().size();
        var s = BrowserLogin.start(dir, "login", server.mcpUrl, "--no-browser", "--store",
                dir.resolve("store/tokens.json").toString());
        try (ForkedProcess cli = s.cli()) {
            List<Map<String, Object>> all = as.registrations();
            assertEquals(registrations + 1, all.size(), cli.output());
            Map<String, Object> r = all.get(all.size() - 1);
            assertEquals(query(s.authorizeUrl()).get("client_id"), r.get("client_id"), "this login's client");
            assertEquals("native", r.get("application_type"), r.toString());
            List<Object> grants = Json.array(r, "grant_types");
            assertTrue(grants.contains("authorization_code") && grants.contains("refresh_token"), r.toString());
            assertEquals("none", r.get("token_endpoint_auth_method"), "a public client: " + r);
        }
    }

    @Test
    void aStepUpLoginAsksForTheGrantedAndTheChallengedScopes() throws Exception {
        Path dir = Files.createDirectories(work.resolve("step-up"));
        Path storeFile = dir.resolve("store/tokens.json");
        var first = BrowserLogin.run(as, dir, UnaryOperator.identity(), "login", server.mcpUrl, "--scope", "mcp",
                "--no-browser", "--store", storeFile.toString());
        assertEquals(0, first.exitCode(), first.output());
        assertFalse(first.output().contains("asking for scope"), "nothing granted yet:\n" + first.output());
        String granted = stored(storeFile).get(0).scope();
        assertTrue(granted != null && List.of(granted.split(" ")).contains("mcp"), "granted: " + granted);

        var again = BrowserLogin.start(dir, "login", server.mcpUrl, "--scope", "openid", "--no-browser", "--store",
                storeFile.toString());
        try (ForkedProcess cli = again.cli()) {
            Set<String> asked = scopes(again.authorizeUrl());
            assertTrue(asked.containsAll(List.of("mcp", "openid", "offline_access")), "asked for " + asked);
            assertTrue(cli.output().contains("asking for scope \"" + query(again.authorizeUrl()).get("scope")
                    + "\": the granted scope and the requested one together"), cli.output());
        }

        // Control: with nothing stored, --scope openid asks for openid (and offline_access, for a refresh token) only.
        Path emptyStore = dir.resolve("empty/tokens.json");
        var fresh = BrowserLogin.start(dir, "login", server.mcpUrl, "--scope", "openid", "--no-browser", "--store",
                emptyStore.toString());
        try (ForkedProcess cli = fresh.cli()) {
            assertEquals(Set.of("openid", "offline_access"), scopes(fresh.authorizeUrl()));
            assertFalse(cli.output().contains("asking for scope"), cli.output());
        }
    }

    @Test
    void doctorReportsIssuerSupportAndServiceAccountSupport() throws Exception {
        Path dir = Files.createDirectories(work.resolve("doctor"));
        String storeFile = dir.resolve("store/tokens.json").toString();
        AgentCli.Result doctor = AgentCli.run(dir, "doctor", server.mcpUrl, "--store", storeFile);
        String out = doctor.output();
        assertTrue(out.lines().anyMatch(l -> l.startsWith("  [OK  ] authorization response issuer (RFC 9207): ")
                && l.contains(as.issuer)), out);
        assertTrue(out.contains("[OK  ] client_credentials grant: "), out);
        assertTrue(out.contains("[OK  ] private_key_jwt client authentication: "), out);
        assertTrue(out.contains("[OK  ] client registration: dynamic client registration offered"), out);

        AgentCli.Result json = AgentCli.run(dir, "doctor", server.mcpUrl, "--json", "--store", storeFile);
        String stdout = String.join("\n", json.output().lines().filter(l -> !l.startsWith("[err] ")).toList());
        Map<String, Object> report = Json.parseObject(stdout.getBytes(StandardCharsets.UTF_8));
        Map<String, String> levels = new LinkedHashMap<>();
        for (Object f : Json.array(report, "findings")) {
            @SuppressWarnings("unchecked")
            Map<String, Object> finding = (Map<String, Object>) f;
            levels.put((String) finding.get("check"), (String) finding.get("level"));
        }
        for (String check : List.of("authorization response issuer (RFC 9207)", "client_credentials grant",
                "private_key_jwt client authentication", "client registration")) {
            assertEquals("ok", levels.get(check), check + " in " + levels);
        }
        assertEquals(doctor.exitCode(), json.exitCode(), "text and JSON agree");
    }
}
