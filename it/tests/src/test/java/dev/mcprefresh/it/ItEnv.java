package dev.mcprefresh.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Where the built pieces are: the shaded agent jar, the per-SDK apps, the authorization server. */
final class ItEnv {
    static final Path ROOT = Paths.get(System.getProperty("mcp.refresh.it.root", "../..")).toAbsolutePath().normalize();

    private ItEnv() {
    }

    static Path agentJar() {
        Path jar = ROOT.resolve("agent/target/mcp-refresh.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("build the agent first: " + jar + " is missing");
        }
        return jar;
    }

    static Path oauthServerDir() {
        return ROOT.resolve("it/oauth-server");
    }

    /** Class path of the apps built against one MCP SDK version, e.g. "2.1". */
    static String appClasspath(String sdk) {
        Path module = ROOT.resolve("it/sdk-" + sdk + "/target");
        try (Stream<Path> jars = Files.list(module.resolve("lib"))) {
            return module.resolve("classes") + java.io.File.pathSeparator + jars.map(Path::toString).sorted()
                    .collect(Collectors.joining(java.io.File.pathSeparator));
        } catch (IOException e) {
            throw new UncheckedIOException("the sdk-" + sdk + " apps are not built", e);
        }
    }

    static String appPackage(String sdk) {
        return "dev.mcprefresh.it.sdk" + sdk.replace(".", "");
    }

    static Path java() {
        return Paths.get(System.getProperty("java.home"), "bin", "java");
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 0, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
