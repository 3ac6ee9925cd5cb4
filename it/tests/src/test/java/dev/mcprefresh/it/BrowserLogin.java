package dev.mcprefresh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.UnaryOperator;

/**
 * Drives {@code mcp-refresh login --no-browser} as a person would: reads the URL it prints, lets the real
 * authorization server's auto-approval answer it, and delivers the authorization response to the CLI's loopback
 * listener. Only the browser is replaced; every protocol step is the CLI's and the server's own.
 */
final class BrowserLogin {
    private static final String WAITING = "waiting for the login to come back to ";

    private BrowserLogin() {
    }

    /** A running login, up to the printed authorization URL and the loopback redirect URI it waits on. */
    record Started(ForkedProcess cli, URI authorizeUrl, String redirect) {
    }

    /** A finished login: its exit code and output, the response the server sent, and the URL the CLI printed. */
    record Finished(int exitCode, String output, URI sentResponse, URI authorizeUrl) {
        AgentCli.Result result() {
            return new AgentCli.Result(exitCode, output);
        }
    }

    static Started start(Path dir, String... args) throws Exception {
        ForkedProcess cli = AgentCli.start(dir, args);
        try {
            String url = cli.awaitLine(l -> l.startsWith("  http"), Duration.ofSeconds(60)).trim();
            String redirect = cli.awaitLine(l -> l.startsWith(WAITING), Duration.ofSeconds(10))
                    .substring(WAITING.length()).replace(" ...", "").trim();
            return new Started(cli, URI.create(url), redirect);
        } catch (Throwable t) {
            cli.close();
            throw t;
        }
    }

    static AgentCli.Result run(AuthorizationServer as, Path dir, String... args) throws Exception {
        return run(as, dir, UnaryOperator.identity(), args).result();
    }

    /** The whole login; {@code tamper} may change the authorization response before it is delivered. */
    static Finished run(AuthorizationServer as, Path dir, UnaryOperator<URI> tamper, String... args) throws Exception {
        Started s = start(dir, args);
        try (ForkedProcess cli = s.cli()) {
            URI sent;
            try {
                sent = as.approve(s.authorizeUrl(), s.redirect());
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "\nlogin output:\n" + cli.output(), e);
            }
            HttpResponse<String> page;
            try {
                page = HttpClient.newHttpClient().send(HttpRequest.newBuilder(tamper.apply(sent)).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
            } catch (java.io.IOException e) {
                throw new AssertionError("the login redirect found no listener:\n" + cli.output(), e);
            }
            assertEquals(200, page.statusCode(), page.body());
            int code = cli.waitFor(Duration.ofSeconds(60));
            return new Finished(code, cli.output(), sent, s.authorizeUrl());
        }
    }
}
