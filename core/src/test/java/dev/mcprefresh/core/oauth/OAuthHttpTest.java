package dev.mcprefresh.core.oauth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpServer;
import dev.mcprefresh.core.LogCapture;
import dev.mcprefresh.core.LoopbackServer;
import dev.mcprefresh.core.LoopbackServer.Reply;
import dev.mcprefresh.core.log.Log;
import dev.mcprefresh.core.util.AppLoader;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class OAuthHttpTest {
    private static final Map<String, String> REFRESH_FORM = Map.of("grant_type", "refresh_token",
            "refresh_token", "rt-SECRET", "client_secret", "cs-SECRET");

    /** A non-loopback address of this machine, or null when it has none. */
    private static InetAddress nonLoopbackAddress() throws Exception {
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (nic.isUp() && !nic.isLoopback()) {
                for (InetAddress a : Collections.list(nic.getInetAddresses())) {
                    if (a instanceof Inet4Address && !a.isLoopbackAddress()) {
                        return a;
                    }
                }
            }
        }
        return null;
    }

    @Test
    void plainHttpOffLoopbackIsRefusedBeforeAnythingIsSentUnlessTheDevelopmentSettingSaysSo() throws Exception {
        InetAddress address = nonLoopbackAddress();
        assumeTrue(address != null, "this machine has no non-loopback address to listen on");
        AtomicInteger received = new AtomicInteger();
        HttpServer server = HttpServer.create(new InetSocketAddress(address, 0), 0);
        server.createContext("/", ex -> {
            received.incrementAndGet();
            byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
        try (LogCapture log = new LogCapture(Log.Level.INFO)) {
            URI token = URI.create("http://" + address.getHostAddress() + ":" + server.getAddress().getPort() + "/token");
            OAuthHttp strict = new OAuthHttp(Duration.ofSeconds(5));
            OAuthHttp.InsecureEndpointException e = assertThrows(OAuthHttp.InsecureEndpointException.class,
                    () -> strict.postForm(token, REFRESH_FORM, null));
            assertTrue(e.getMessage().contains("must use HTTPS") && e.getMessage().contains("allow.insecure.http"),
                    e.getMessage());
            assertThrows(OAuthHttp.InsecureEndpointException.class, () -> strict.postJson(token, new byte[0]));
            assertThrows(OAuthHttp.InsecureEndpointException.class, () -> strict.get(token, "application/json"));
            assertEquals(0, received.get(), "nothing was sent");

            OAuthHttp development = new OAuthHttp(Duration.ofSeconds(5), true);
            development.postForm(token, REFRESH_FORM, null);
            development.postForm(token, REFRESH_FORM, null);
            assertEquals(2, received.get());
            assertEquals(1, log.lines("WARN").size(), "said loudly, once per origin: " + log.text());
            assertTrue(log.text().contains("OVER PLAIN HTTP"), log.text());
            assertFalse(log.text().contains("SECRET"), log.text());
        } finally {
            server.stop(0);
        }
    }

    /**
     * The JDK client is built at the first request, on whatever thread makes it: in an application server, a request
     * thread of a web app. On JDK 17 its selector and worker threads would keep that app's class loader (context class
     * loader, inherited access control context) for as long as the agent lives, across redeployments.
     */
    @Test
    void theClientsThreadsDoNotKeepTheLoaderOfTheAppThatMadeTheFirstRequest() throws Exception {
        try (LoopbackServer as = new LoopbackServer()) {
            as.route("/token", r -> Reply.json(200, "{}"));
            URI token = URI.create(as.base() + "/token");
            OAuthHttp http = new OAuthHttp(Duration.ofSeconds(5));
            java.lang.ref.WeakReference<ClassLoader> app = AppLoader.runAsApp(() -> {
                try {
                    assertEquals(200, http.postForm(token, REFRESH_FORM, null).status);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            assertTrue(AppLoader.collected(app, Duration.ofSeconds(10)),
                    "a thread of the OAuth client keeps the app's class loader");
            for (Thread t : Thread.getAllStackTraces().keySet()) {
                if (t.getName().startsWith("mcp-refresh-oauth")) {
                    assertTrue(t.isDaemon() && t.getContextClassLoader() == null, t.getName());
                }
            }
            assertEquals(200, http.postForm(token, REFRESH_FORM, null).status, "the client still works");
        }
    }

    @Test
    void loopbackIsRecognisedByLiteralNamesOnly() {
        for (String host : new String[] {"127.0.0.1", "127.1.2.3", "localhost", "LOCALHOST", "[::1]"}) {
            assertTrue(OAuthHttp.isLoopback(host), host);
        }
        for (String host : new String[] {"127.0.0.1.attacker.example", "localhost.attacker.example", "10.0.0.1",
            "[::ffff:8.8.8.8]", "", "127.0.0.1x"}) {
            assertFalse(OAuthHttp.isLoopback(host), host);
        }
        assertThrows(OAuthHttp.InsecureEndpointException.class, () -> new OAuthHttp(Duration.ofSeconds(1), true)
                .postForm(URI.create("ftp://as.example/token"), REFRESH_FORM, null), "only http(s), whatever the setting");
    }

    @Test
    void aRedirectToAnotherOriginCarriesNoSecretThere() throws Exception {
        try (LoopbackServer as = new LoopbackServer(); LoopbackServer elsewhere = new LoopbackServer()) {
            for (int status : new int[] {301, 302, 303, 307, 308}) {
                as.route("/token", r -> new Reply(status, "", Map.of("Location", elsewhere.base() + "/steal")));
                as.route("/register", r -> new Reply(status, "", Map.of("Location", elsewhere.base() + "/steal")));
                OAuthHttp http = new OAuthHttp(Duration.ofSeconds(5));
                assertEquals(status, http.postForm(URI.create(as.base() + "/token"), REFRESH_FORM, "Basic Y3M6U0VDUkVU").status);
                assertEquals(status, http.postJson(URI.create(as.base() + "/register"),
                        "{\"client_name\":\"x\"}".getBytes(StandardCharsets.UTF_8)).status);
            }
            assertEquals(0, elsewhere.requests.size(), "no request of ours followed a redirect");
        }
    }
}
