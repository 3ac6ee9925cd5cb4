package dev.mcprefresh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcprefresh.core.json.Json;
import dev.mcprefresh.core.store.FileTokenStore;
import dev.mcprefresh.core.store.TokenRecord;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * login with a Client ID Metadata Document (CIMD): the document {@code login --print-client-metadata} prints, hosted on
 * a loopback HTTPS server with a self-signed certificate the authorization server trusts, and oidc-provider's
 * clientIdMetadataDocument feature fetching it (it/oauth-server/cimd.mjs). The URL is the client: no registration,
 * and the stored client refreshes. Without the feature the login falls back to dynamic registration.
 */
class CimdLoginTest {
    private static final String DOCUMENT_PATH = "/mcp-refresh.json";

    @TempDir
    static Path work;
    private static HttpsDocumentServer documents;
    private static AuthorizationServer as;
    private static McpServerProcess server;
    private static String metadataUrl;

    @BeforeAll
    static void start() throws Exception {
        documents = HttpsDocumentServer.start(work.resolve("https"));
        metadataUrl = documents.baseUrl() + DOCUMENT_PATH;
        // The document as the user would host it: what the CLI prints.
        AgentCli.Result printed = AgentCli.run(Files.createDirectories(work.resolve("print")), "login",
                "--client-metadata-url", metadataUrl, "--print-client-metadata");
        assertEquals(0, printed.exitCode(), printed.output());
        documents.serve(DOCUMENT_PATH, printed.output().getBytes(StandardCharsets.UTF_8));
        as = AuthorizationServer.startWithClientMetadataDocuments(Files.createDirectories(work.resolve("as")),
                documents.certificatePem());
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
        if (documents != null) {
            documents.close();
        }
    }

    @Test
    void aLoginWithAClientMetadataDocumentUsesItsUrlAsTheClient() throws Exception {
        Path dir = Files.createDirectories(work.resolve("login-cimd"));
        Path storeFile = dir.resolve("store/tokens.json");
        int registrations = as.registrations().size();
        AgentCli.Result login = BrowserLogin.run(as, dir, "login", server.mcpUrl, "--client-metadata-url", metadataUrl,
                "--no-browser", "--store", storeFile.toString());
        assertEquals(0, login.exitCode(), login.output());
        assertTrue(login.output().contains("client: " + metadataUrl + " (client ID metadata document)"),
                login.output());
        assertTrue(login.output().contains("(client " + metadataUrl + ")"), login.output());
        assertFalse(login.output().contains("registered client"), login.output());
        assertFalse(login.output().contains("registering a client instead"), login.output());
        assertTrue(login.output().contains("refresh token: yes"), login.output());
        assertEquals(registrations, as.registrations().size(), "no dynamic registration: " + login.output());

        // The authorization server fetched the document from its URL and resolved the client from it.
        assertTrue(documents.gets(DOCUMENT_PATH) >= 1, "the document server saw no GET");
        List<Map<String, Object>> fetches = as.cimdFetches();
        assertTrue(fetches.stream().anyMatch(f -> metadataUrl.equals(f.get("url"))
                && Integer.valueOf(200).equals(((Number) f.get("status")).intValue())), fetches.toString());
        assertTrue(as.cimdClients().contains(metadataUrl), as.cimdClients().toString());

        TokenRecord r = new FileTokenStore(storeFile, Duration.ofSeconds(5)).read().soleEntry(server.mcpUrl);
        assertEquals(metadataUrl, r.clientId());
        assertNull(r.clientSecret());
        assertEquals(TokenRecord.AUTH_NONE, r.authMethod());
        String firstRefreshToken = r.refreshToken();
        assertTrue(firstRefreshToken != null, "a refresh token was stored");

        // The stored CIMD client refreshes: the server knows it by its URL (cached document, or fetched again).
        int refreshes = as.refreshTimes(metadataUrl).size();
        AgentCli.Result refresh = AgentCli.run(dir, "refresh", server.mcpUrl, "--store", storeFile.toString());
        assertEquals(0, refresh.exitCode(), refresh.output());
        assertEquals(refreshes + 1, as.refreshTimes(metadataUrl).size(), "one refresh_token grant for the URL client");
        TokenRecord after = new FileTokenStore(storeFile, Duration.ofSeconds(5)).read().soleEntry(server.mcpUrl);
        assertEquals(metadataUrl, after.clientId());
        assertFalse(firstRefreshToken.equals(after.refreshToken()), "the rotated refresh token was stored");

        Secrets secrets = new Secrets();
        secrets.add(firstRefreshToken);
        secrets.addFromStore(storeFile);
        secrets.assertNotIn("login", login.output());
        secrets.assertNotIn("refresh", refresh.output());
    }

    @Test
    void aServerWithoutCimdFallsBackToRegistration() throws Exception {
        Path dir = Files.createDirectories(work.resolve("login-fallback"));
        Path storeFile = dir.resolve("store/tokens.json");
        try (AuthorizationServer plain = AuthorizationServer.start(Files.createDirectories(dir.resolve("as")));
                McpServerProcess plainServer = McpServerProcess.start("2.1", "streamable", plain, dir)) {
            AgentCli.Result login = BrowserLogin.run(plain, dir, "login", plainServer.mcpUrl, "--client-metadata-url",
                    metadataUrl, "--no-browser", "--store", storeFile.toString());
            assertEquals(0, login.exitCode(), login.output());
            assertTrue(login.output().contains("does not take client ID metadata documents"), login.output());
            assertTrue(login.output().contains("registering a client instead"), login.output());
            assertTrue(login.output().contains("registered client "), login.output());
            List<Map<String, Object>> registered = plain.registrations();
            assertEquals(1, registered.size(), login.output());
            TokenRecord r = new FileTokenStore(storeFile, Duration.ofSeconds(5)).read().soleEntry(plainServer.mcpUrl);
            assertEquals(registered.get(0).get("client_id"), r.clientId());
            assertFalse(metadataUrl.equals(r.clientId()), "the URL is not the client where it is not taken");
            assertTrue(plain.cimdFetches().isEmpty(), "a server without the feature fetches nothing");
            Secrets secrets = new Secrets();
            secrets.addFromStore(storeFile);
            secrets.assertNotIn("login", login.output());
        }
    }

    @Test
    void printClientMetadataPrintsTheDocumentAndTouchesNothing() throws Exception {
        Path dir = Files.createDirectories(work.resolve("print-only"));
        Path storeFile = dir.resolve("store/tokens.json");
        String url = "https://client.example/mcp-refresh.json";
        int gets = documents.gets(DOCUMENT_PATH);
        // An MCP URL where nothing listens: printing must not need it, nor any network.
        AgentCli.Result printed = AgentCli.run(dir, "login", "http://127.0.0.1:" + ItEnv.freePort() + "/mcp",
                "--client-metadata-url", url, "--print-client-metadata", "--store", storeFile.toString());
        assertEquals(0, printed.exitCode(), printed.output());
        Map<String, Object> doc = Json.parseObject(printed.output().getBytes(StandardCharsets.UTF_8));
        assertEquals(url, doc.get("client_id"));
        assertFalse(doc.containsKey("client_secret"), doc.toString());
        assertFalse(doc.containsKey("client_secret_expires_at"), doc.toString());
        assertEquals("none", doc.get("token_endpoint_auth_method"));
        assertEquals("native", doc.get("application_type"));
        assertEquals(List.of("http://127.0.0.1/callback"), Json.array(doc, "redirect_uris"));
        List<Object> grants = Json.array(doc, "grant_types");
        assertTrue(grants.contains("authorization_code") && grants.contains("refresh_token"), grants.toString());
        assertEquals(List.of("code"), Json.array(doc, "response_types"));
        assertFalse(Files.exists(storeFile), "printing writes no store");
        assertFalse(Files.exists(storeFile.getParent()), "printing creates no store directory");
        assertEquals(gets, documents.gets(DOCUMENT_PATH), "printing fetches nothing");
    }

    @Test
    void aBadMetadataUrlIsRefused() throws Exception {
        Path dir = Files.createDirectories(work.resolve("bad-url"));
        Path storeFile = dir.resolve("store/tokens.json");
        int registrations = as.registrations().size();
        Map<String, String> refusals = Map.of(
                "http://127.0.0.1:" + URI.create(metadataUrl).getPort() + DOCUMENT_PATH, "must be an https URL",
                documents.baseUrl() + "/", "must have a path",
                documents.baseUrl(), "must have a path");
        for (Map.Entry<String, String> bad : refusals.entrySet()) {
            // A short --timeout: were the URL taken, the login would wait for a browser that never comes.
            AgentCli.Result login = AgentCli.run(dir, "login", server.mcpUrl, "--client-metadata-url", bad.getKey(),
                    "--no-browser", "--timeout", "5", "--store", storeFile.toString());
            assertEquals(2, login.exitCode(), bad.getKey() + ": " + login.output());
            assertTrue(login.output().contains("--client-metadata-url") || login.output().contains("client metadata URL"),
                    login.output());
            assertTrue(login.output().contains(bad.getValue()), bad.getKey() + ": " + login.output());
            assertFalse(login.output().contains("Open this URL"), login.output());
            AgentCli.Result print = AgentCli.run(dir, "login", "--client-metadata-url", bad.getKey(),
                    "--print-client-metadata");
            assertEquals(2, print.exitCode(), bad.getKey() + ": " + print.output());
            assertTrue(print.output().contains(bad.getValue()), print.output());
        }
        assertEquals(registrations, as.registrations().size(), "a refused login registers nothing");
        assertFalse(Files.exists(storeFile), "a refused login writes no store");
    }
}
