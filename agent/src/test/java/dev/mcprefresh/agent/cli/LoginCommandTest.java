package dev.mcprefresh.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Login's refusals, against a loopback server that publishes metadata and records what reaches it. */
class LoginCommandTest {
    @TempDir
    Path dir;
    private HttpServer server;
    private String base;
    private volatile String asMetadata;
    private final List<String> hits = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            hits.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath());
            String path = exchange.getRequestURI().getPath();
            String body = path.startsWith("/.well-known/oauth-protected-resource")
                    ? "{\"resource\":\"" + base + "/mcp\",\"authorization_servers\":[\"" + base + "\"]}"
                    : path.equals("/.well-known/oauth-authorization-server") ? asMetadata : null;
            byte[] bytes = (body == null ? "{}" : body).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(body == null ? 404 : 200, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private int login(ByteArrayOutputStream out, String... extra) {
        String[] args = new String[4 + extra.length];
        args[0] = "login";
        args[1] = base + "/mcp";
        args[2] = "--store";
        args[3] = dir.resolve("tokens.json").toString();
        System.arraycopy(extra, 0, args, 4, extra.length);
        PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
        return Cli.run(args, ps, ps);
    }

    @Test
    void aServerWithoutPkceS256IsRefusedBeforeAnythingIsRegisteredOrOpened() {
        asMetadata = "{\"issuer\":\"" + base + "\",\"authorization_endpoint\":\"" + base + "/authorize\","
                + "\"token_endpoint\":\"" + base + "/token\",\"registration_endpoint\":\"" + base + "/register\","
                + "\"code_challenge_methods_supported\":[\"plain\"]}";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals(1, login(out, "--no-browser"));
        String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("does not advertise PKCE S256"), text);
        assertTrue(hits.stream().noneMatch(h -> h.contains("/register") || h.contains("/authorize")), hits.toString());
    }

    @Test
    void deviceLoginWhereTheServerHasNoDeviceEndpointSaysToUseTheBrowser() {
        asMetadata = "{\"issuer\":\"" + base + "\",\"authorization_endpoint\":\"" + base + "/authorize\","
                + "\"token_endpoint\":\"" + base + "/token\",\"code_challenge_methods_supported\":[\"S256\"]}";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals(1, login(out, "--device"));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("no device authorization endpoint"), out.toString());
    }

    @Test
    void withoutRegistrationEndpointOrClientIdTheUserIsToldWhatToDo() {
        asMetadata = "{\"issuer\":\"" + base + "\",\"authorization_endpoint\":\"" + base + "/authorize\","
                + "\"token_endpoint\":\"" + base + "/token\",\"code_challenge_methods_supported\":[\"S256\"]}";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals(1, login(out, "--no-browser"));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("pass --client-id"), out.toString());
    }

    @Test
    void malformedMetadataIsAClearErrorForLoginAndDoctor() {
        asMetadata = "<html>not json</html>";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals(1, login(out, "--no-browser"));
        String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("not a JSON object") && text.contains("no authorization server metadata found"), text);
        ByteArrayOutputStream doctor = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(doctor, true, StandardCharsets.UTF_8);
        assertEquals(1, Cli.run(new String[] {"doctor", base + "/mcp", "--store", dir.resolve("t.json").toString()},
                ps, ps));
        assertTrue(doctor.toString(StandardCharsets.UTF_8).contains("[FAIL] authorization server metadata"),
                doctor.toString(StandardCharsets.UTF_8));
    }
}
