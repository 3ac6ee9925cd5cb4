package dev.mcprefresh.agent.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.mcprefresh.agent.kotlinsdk.ktor.AuthorizingSendInterceptor;
import dev.mcprefresh.agent.langchain4j.okhttp.AuthorizingInterceptor;
import dev.mcprefresh.agent.spring.webflux.AuthorizingExchangeFilter;
import dev.mcprefresh.core.http.AuthorizingClientBuilder;
import dev.mcprefresh.core.http.RequestPolicy;
import dev.mcprefresh.core.log.Log;
import dev.mcprefresh.core.oauth.OAuthHttp;
import dev.mcprefresh.core.oauth.TokenEndpointClient;
import dev.mcprefresh.core.session.CredentialsRegistry;
import dev.mcprefresh.core.store.TokenRecord;
import dev.mcprefresh.core.store.FileTokenStore;
import dev.mcprefresh.core.store.TokenStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import io.ktor.client.HttpClientKt;
import io.ktor.client.plugins.HttpClientPluginKt;
import io.ktor.client.plugins.HttpSend;
import io.ktor.client.engine.cio.CIO;
import io.ktor.client.plugins.HttpRedirectKt;
import io.ktor.client.request.HttpRequestBuilder;
import io.ktor.client.statement.HttpResponseKt;
import io.ktor.client.statement.HttpStatement;
import io.ktor.http.ContentType;
import io.ktor.http.URLParserKt;
import io.ktor.http.content.TextContent;
import kotlin.Unit;
import kotlin.coroutines.EmptyCoroutineContext;
import kotlinx.coroutines.BuildersKt;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.http.HttpMethod;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * The request policy, the same for the four adapters the agent puts on MCP transports: the java.net.http decorator,
 * the OkHttp interceptor, the WebClient filter and the Ktor send interceptor, each on a real client that follows
 * redirects, against real loopback servers: the MCP server, another origin, and a token endpoint.
 */
class RequestPolicyContractTest {
    private static final String ISSUER = "https://as.example";

    @TempDir
    Path dir;
    private Server mcp;
    private Server other;
    private Server as;
    private final Set<String> valid = ConcurrentHashMap.newKeySet();
    private final AtomicInteger issued = new AtomicInteger();
    private CredentialsRegistry registry;
    private TokenStore store;
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();
    private final List<io.ktor.client.HttpClient> ktorClients = new ArrayList<>();

    /** A loopback server that records the Authorization values of every request per path. */
    static final class Server implements AutoCloseable {
        final HttpServer http;
        final Map<String, List<List<String>>> seen = new ConcurrentHashMap<>();

        Server(Function<HttpExchange, String[]> route) throws IOException {
            http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            http.createContext("/", ex -> {
                ex.getRequestBody().readAllBytes();
                List<String> auth = ex.getRequestHeaders().get("Authorization");
                seen.computeIfAbsent(ex.getRequestURI().getPath(), p -> new CopyOnWriteArrayList<>())
                        .add(auth == null ? List.of() : List.copyOf(auth));
                String[] reply = route.apply(ex); // status, body, then header name/value pairs; null: no answer
                if (reply == null) {
                    ex.close(); // the connection ends with no response
                    return;
                }
                for (int i = 2; i + 1 < reply.length; i += 2) {
                    ex.getResponseHeaders().add(reply[i], reply[i + 1]);
                }
                byte[] body = reply[1].getBytes(StandardCharsets.UTF_8);
                ex.sendResponseHeaders(Integer.parseInt(reply[0]), body.length == 0 ? -1 : body.length);
                if (body.length > 0) {
                    ex.getResponseBody().write(body);
                }
                ex.close();
            });
            http.start();
        }

        String base() {
            return "http://127.0.0.1:" + http.getAddress().getPort();
        }

        List<List<String>> seen(String path) {
            return seen.getOrDefault(path, List.of());
        }

        @Override
        public void close() {
            http.stop(0);
        }
    }

    private static final String[] INVALID_TOKEN = {"401", "{\"error\":\"invalid_token\"}", "WWW-Authenticate",
        "Bearer error=\"invalid_token\""};

    @BeforeEach
    void start() throws Exception {
        other = new Server(ex -> ex.getRequestURI().getPath().equals("/plain")
                ? new String[] {"200", "plain"} : INVALID_TOKEN);
        as = new Server(ex -> {
            String token = "at-" + issued.incrementAndGet();
            valid.add(token);
            return new String[] {"200", "{\"access_token\":\"" + token + "\",\"expires_in\":3600,\"token_type\":\"Bearer\"}",
                "Content-Type", "application/json"};
        });
        mcp = new Server(ex -> {
            switch (ex.getRequestURI().getPath()) {
                case "/same":
                    return new String[] {"307", "", "Location", "/mcp"};
                case "/away":
                    return new String[] {"307", "", "Location", other.base() + "/x"};
                case "/reset":
                    return null;
                case "/reset-on-replay":
                    return mcp.seen("/reset-on-replay").size() == 1 ? INVALID_TOKEN : null;
                case "/scope":
                    return new String[] {"403", "", "WWW-Authenticate",
                        "Bearer error=\"insufficient_scope\", scope=\"mcp:admin\""};
                default:
                    List<String> auth = ex.getRequestHeaders().get("Authorization");
                    boolean ok = auth != null && auth.size() == 1 && auth.get(0).startsWith("Bearer ")
                            && valid.contains(auth.get(0).substring(7));
                    return ok ? new String[] {"200", auth.get(0)} : INVALID_TOKEN;
            }
        });
        store = new FileTokenStore(dir.resolve("tokens.json"), Duration.ofSeconds(5));
        store.update(c -> {
            c.put(alicesEntry(mcp.base() + "/", "at-alice-0"));
            return null;
        });
        valid.add("at-alice-0");
        registry = new CredentialsRegistry(store, new TokenEndpointClient(new OAuthHttp(Duration.ofSeconds(5)),
                Clock.systemUTC()), Duration.ofSeconds(60), Clock.systemUTC());
        Log.setOutput(new PrintStream(log, true, StandardCharsets.UTF_8));
    }

    private TokenRecord alicesEntry(String serverUrl, String accessToken) {
        return TokenRecord.builder(serverUrl).issuer(ISSUER).subject("alice").tokenEndpoint(as.base() + "/token")
                .clientId("c").issuedAccessToken(accessToken).expiresAt(Instant.now().plusSeconds(3600))
                .updatedAt(Instant.now()).refreshToken("rt").build();
    }

    @AfterEach
    void stop() {
        ktorClients.forEach(io.ktor.client.HttpClient::close);
        Log.setOutput(System.err);
        mcp.close();
        other.close();
        as.close();
    }

    record Result(int status, String body) {
    }

    /** One transport's client, as the agent decorates it for each library. */
    interface Adapter {
        Result post(URI uri, String appAuthorization) throws Exception;
    }

    private Adapter adapter(String kind) {
        RequestPolicy policy = RequestPolicy.forTransport(registry, URI.create(mcp.base() + "/mcp"));
        switch (kind) {
            case "java.net.http": {
                HttpClient client = new AuthorizingClientBuilder(
                        HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL), policy).build();
                return (uri, auth) -> {
                    HttpRequest.Builder b = HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofString("{}"));
                    if (auth != null) {
                        b.header("Authorization", auth);
                    }
                    HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
                    return new Result(r.statusCode(), r.body());
                };
            }
            case "OkHttp": {
                OkHttpClient client = (OkHttpClient) AuthorizingInterceptor.decorate(new OkHttpClient(), policy);
                return (uri, auth) -> {
                    Request.Builder b = new Request.Builder().url(uri.toString())
                            .post(RequestBody.create("{}", MediaType.get("application/json")));
                    if (auth != null) {
                        b.header("Authorization", auth);
                    }
                    try (Response r = client.newCall(b.build()).execute()) {
                        return new Result(r.code(), r.body() == null ? "" : r.body().string());
                    }
                };
            }
            case "Ktor": {
                io.ktor.client.HttpClient client = ktorClient();
                AuthorizingSendInterceptor.serve(client, policy);
                return ktorAdapter(client);
            }
            default: {
                WebClient client = WebClient.builder()
                        .clientConnector(new ReactorClientHttpConnector(
                                reactor.netty.http.client.HttpClient.create().followRedirect(true)))
                        .filter(new AuthorizingExchangeFilter(policy)).build();
                return (uri, auth) -> client.method(HttpMethod.POST).uri(uri)
                        .headers(h -> {
                            if (auth != null) {
                                h.set("Authorization", auth);
                            }
                        })
                        .bodyValue("{}")
                        .exchangeToMono(r -> r.bodyToMono(String.class).defaultIfEmpty("")
                                .map(b -> new Result(r.statusCode().value(), b)))
                        .block(Duration.ofSeconds(10));
            }
        }
    }

    /** A Ktor client on the CIO engine that follows the 307 of a POST, as the other clients do; closed after the test. */
    private io.ktor.client.HttpClient ktorClient() {
        io.ktor.client.HttpClient client = HttpClientKt.HttpClient(CIO.INSTANCE, config -> {
            config.install(HttpRedirectKt.getHttpRedirect(), redirect -> {
                redirect.setCheckHttpMethod(false);
                return Unit.INSTANCE;
            });
            return Unit.INSTANCE;
        });
        ktorClients.add(client);
        return client;
    }

    private static Adapter ktorAdapter(io.ktor.client.HttpClient client) {
        return (uri, auth) -> {
            HttpRequestBuilder b = new HttpRequestBuilder();
            URLParserKt.takeFrom(b.getUrl(), uri.toString());
            b.setMethod(io.ktor.http.HttpMethod.Companion.getPost());
            if (auth != null) {
                b.getHeaders().append("Authorization", auth);
            }
            b.setBody(new TextContent("{}", ContentType.Application.INSTANCE.getJson(), null));
            io.ktor.client.statement.HttpResponse r = await(new HttpStatement(b, client)::execute);
            String body = await(c -> HttpResponseKt.bodyAsText(r, StandardCharsets.UTF_8, c));
            return new Result(r.getStatus().getValue(), body);
        };
    }

    /** Runs a Kotlin suspend call, handed its continuation, to its end on this thread. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static <T> T await(Function<kotlin.coroutines.Continuation, Object> suspendCall)
            throws InterruptedException {
        return (T) BuildersKt.runBlocking(EmptyCoroutineContext.INSTANCE,
                (scope, continuation) -> suspendCall.apply((kotlin.coroutines.Continuation) continuation));
    }

    private static String jwt(String subject) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        return "Bearer " + b64.encodeToString("{\"alg\":\"RS256\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(("{\"iss\":\"" + ISSUER + "\",\"sub\":\"" + subject + "\"}")
                        .getBytes(StandardCharsets.UTF_8)) + ".c2ln";
    }

    private URI at(Server s, String path) {
        return URI.create(s.base() + path);
    }

    private List<String> warnings() {
        List<String> lines = new ArrayList<>();
        for (String l : log.toString(StandardCharsets.UTF_8).split("\n")) {
            if (l.startsWith("[mcp-refresh] WARN")) {
                lines.add(l);
            }
        }
        return lines;
    }

    @ParameterizedTest
    @ValueSource(strings = {"java.net.http", "OkHttp", "WebClient", "Ktor"})
    void theStoredIdentitysTokenReplacesEveryAuthorizationTheAppSet(String kind) throws Exception {
        Result r = adapter(kind).post(at(mcp, "/mcp"), jwt("alice"));
        assertEquals(200, r.status(), r.body());
        assertEquals(List.of(List.of("Bearer at-alice-0")), mcp.seen("/mcp"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"java.net.http", "OkHttp", "WebClient", "Ktor"})
    void aUserTheStoreDoesNotHoldKeepsTheAppsOwnHeaderAndIsNeverRefreshed(String kind) throws Exception {
        String bob = jwt("bob");
        Result r = adapter(kind).post(at(mcp, "/mcp"), bob);
        assertEquals(401, r.status(), "bob's own token is not one the server accepts here: " + r.body());
        assertEquals(List.of(List.of(bob)), mcp.seen("/mcp"), "exactly as the app built it, and not replayed");
        assertEquals(0, as.seen("/token").size());
        assertTrue(warnings().stream().anyMatch(l -> l.contains("subject bob")), warnings().toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"java.net.http", "OkHttp", "WebClient", "Ktor"})
    void requestsToOtherOriginsAreUntouched(String kind) throws Exception {
        Result r = adapter(kind).post(at(other, "/plain"), jwt("alice"));
        assertEquals(200, r.status());
        assertEquals(List.of(List.of(jwt("alice"))), other.seen("/plain"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"java.net.http", "OkHttp", "WebClient", "Ktor"})
    void a401CausesOneRefreshAndOneReplay(String kind) throws Exception {
        valid.remove("at-alice-0"); // revoked at the server before it expired
        Result r = adapter(kind).post(at(mcp, "/mcp"), jwt("alice"));
        assertEquals(200, r.status(), r.body());
        assertEquals("Bearer at-1", r.body());
        assertEquals(1, as.seen("/token").size());
        assertEquals(List.of(List.of("Bearer at-alice-0"), List.of("Bearer at-1")), mcp.seen("/mcp"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"java.net.http", "OkHttp", "WebClient", "Ktor"})
    void aSecond401ReachesTheAppAndThatTokenGetsNoFurtherRefresh(String kind) throws Exception {
        valid.remove("at-alice-0");
        as.http.removeContext("/");
        as.http.createContext("/", ex -> { // issues tokens the MCP server never accepts
            byte[] b = ("{\"access_token\":\"dud-" + issued.incrementAndGet() + "\",\"expires_in\":3600}")
                    .getBytes(StandardCharsets.UTF_8);
            as.seen.computeIfAbsent("/token", p -> new CopyOnWriteArrayList<>()).add(List.of());
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(200, b.length);
            ex.getResponseBody().write(b);
            ex.close();
        });
        Adapter a = adapter(kind);
        assertEquals(401, a.post(at(mcp, "/mcp"), jwt("alice")).status());
        assertEquals(401, a.post(at(mcp, "/mcp"), jwt("alice")).status());
        assertEquals(1, as.seen("/token").size(), "the refused fresh token is held, not refreshed per request");
        assertEquals(3, mcp.seen("/mcp").size(), "one replay, for the first request only");
    }

    @ParameterizedTest
    @ValueSource(strings = {"java.net.http", "OkHttp", "WebClient", "Ktor"})
    void insufficientScopeCausesNoRefreshAndOneWarning(String kind) throws Exception {
        Adapter a = adapter(kind);
        assertEquals(403, a.post(at(mcp, "/scope"), jwt("alice")).status());
        assertEquals(403, a.post(at(mcp, "/scope"), jwt("alice")).status());
        assertEquals(0, as.seen("/token").size());
        assertEquals(2, mcp.seen("/scope").size());
        assertEquals(1, warnings().stream().filter(l -> l.contains("insufficient_scope")).count(), warnings().toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"java.net.http", "OkHttp", "WebClient", "Ktor"})
    void aSameOriginRedirectKeepsTheToken(String kind) throws Exception {
        Result r = adapter(kind).post(at(mcp, "/same"), jwt("alice"));
        assertEquals(200, r.status(), r.body());
        assertEquals(List.of(List.of("Bearer at-alice-0")), mcp.seen("/mcp"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"java.net.http", "OkHttp", "WebClient", "Ktor"})
    void aRedirectToAnotherOriginCarriesNoAuthorizationAndIts401CausesNoRefresh(String kind) throws Exception {
        Result r = adapter(kind).post(at(mcp, "/away"), jwt("alice"));
        assertEquals(401, r.status(), "the other origin's answer reaches the app");
        assertEquals(0, as.seen("/token").size(), "another origin's 401 is no reason to refresh");
        assertEquals(1, mcp.seen("/away").size(), "and no replay");
        assertEquals(List.of(List.of()), other.seen("/x"), "no Authorization header of any kind crossed origins");
    }

    @ParameterizedTest
    @ValueSource(strings = {"java.net.http", "OkHttp", "WebClient", "Ktor"})
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a lost resumption outlives interrupts
    void aConnectionThatEndsWithNoAnswerFailsTheAppsCallAsTheClientSaysAndNeverHangs(String kind) throws Exception {
        Adapter a = adapter(kind);
        assertThrows(Exception.class, () -> a.post(at(mcp, "/reset"), jwt("alice")), "the first send fails");
        valid.remove("at-alice-0");
        assertThrows(Exception.class, () -> a.post(at(mcp, "/reset-on-replay"), jwt("alice")),
                "a 401, one refresh, and the replay fails");
        assertEquals(1, as.seen("/token").size());
        assertTrue(mcp.seen("/reset-on-replay").size() >= 2, "the replay was sent");
        assertEquals(List.of("Bearer at-1"), mcp.seen("/reset-on-replay").get(1), "with the fresh token");
    }

    /**
     * Ktor runs the interceptors of a client's HttpSend first-added outermost: an interceptor the app added keeps
     * seeing its own request builder, with its own header, since the agent's goes innermost and sends a copy.
     */
    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a lost resumption outlives interrupts
    void anInterceptorTheKtorAppAddedSeesItsOwnRequestUnchanged() throws Exception {
        io.ktor.client.HttpClient client = ktorClient();
        List<HttpRequestBuilder> appSees = new CopyOnWriteArrayList<>();
        HttpClientPluginKt.plugin(client, HttpSend.Plugin).intercept((sender, request, continuation) -> {
            appSees.add(request);
            return sender.execute(request, continuation);
        });
        AuthorizingSendInterceptor.serve(client, RequestPolicy.forTransport(registry, URI.create(mcp.base() + "/mcp")));
        Result r = ktorAdapter(client).post(at(mcp, "/mcp"), jwt("alice"));
        assertEquals(200, r.status(), r.body());
        assertEquals(List.of(List.of("Bearer at-alice-0")), mcp.seen("/mcp"), "the server got the store's token");
        assertEquals(1, appSees.size());
        assertEquals(jwt("alice"), appSees.get(0).getHeaders().get("Authorization"), "the app's builder is as built");
    }

    /** A gateway: two MCP servers on one origin, one Ktor client for both, each server's own grant. */
    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void oneKtorClientServingTwoServersOnOneOriginSendsEachItsOwnToken() throws Exception {
        store.update(c -> {
            c.put(alicesEntry(mcp.base() + "/a/mcp", "at-a"));
            c.put(alicesEntry(mcp.base() + "/b/mcp", "at-b"));
            return null;
        });
        valid.add("at-a");
        valid.add("at-b");
        io.ktor.client.HttpClient client = ktorClient();
        AuthorizingSendInterceptor.serve(client, RequestPolicy.forTransport(registry, at(mcp, "/a/mcp")));
        AuthorizingSendInterceptor.serve(client, RequestPolicy.forTransport(registry, at(mcp, "/b/mcp")));
        Adapter a = ktorAdapter(client);
        for (int i = 0; i < 3; i++) {
            assertEquals(200, a.post(at(mcp, "/b/mcp"), jwt("alice")).status());
            assertEquals(200, a.post(at(mcp, "/a/mcp"), jwt("alice")).status());
        }
        assertEquals(List.of(List.of("Bearer at-a")), mcp.seen("/a/mcp").stream().distinct().toList());
        assertEquals(List.of(List.of("Bearer at-b")), mcp.seen("/b/mcp").stream().distinct().toList());
        a.post(at(mcp, "/c"), jwt("alice"));
        assertEquals(List.of(List.of(jwt("alice"))), mcp.seen("/c"), "a path neither server's: sent as the app built it");
    }
}
