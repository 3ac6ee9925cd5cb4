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

    /** Class path of the apps built against one client library version: an MCP SDK ("2.1"), or a module of it/
     * ("langchain4j-1.18", "webflux-0.18"). */
    static String appClasspath(String sdk) {
        Path module = moduleDir(sdk).resolve("target");
        try (Stream<Path> jars = Files.list(module.resolve("lib"))) {
            return module.resolve("classes") + java.io.File.pathSeparator + jars.map(Path::toString).sorted()
                    .collect(Collectors.joining(java.io.File.pathSeparator));
        } catch (IOException e) {
            throw new UncheckedIOException("the sdk-" + sdk + " apps are not built", e);
        }
    }

    /** The Spring Boot executable jar of a module of it/ (its libraries nested inside, behind Boot's class loader). */
    static Path executableJar(String module) {
        try (Stream<Path> files = Files.list(ROOT.resolve("it/" + module + "/target"))) {
            return files.filter(f -> f.getFileName().toString().endsWith("-exec.jar")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("it/" + module + " has no executable jar; build it"));
        } catch (IOException e) {
            throw new UncheckedIOException("it/" + module + " is not built", e);
        }
    }

    /** The app classes of one module alone, without any library. */
    static String appClasses(String sdk) {
        return moduleDir(sdk).resolve("target/classes").toString();
    }

    /** it/NAME, or it/sdk-NAME for an SDK version ("2.1"). */
    private static Path moduleDir(String sdk) {
        Path named = ROOT.resolve("it/" + sdk);
        return Files.isDirectory(named) ? named : ROOT.resolve("it/sdk-" + sdk);
    }

    /** The client and server apps have the same names in every sdk-* module. */
    static final String APP_PACKAGE = "dev.mcprefresh.it.app";

    static Path java() {
        return Paths.get(System.getProperty("java.home"), "bin", "java");
    }

    /**
     * The newest JDK on this machine other than the one running the tests (the project must run on newer JDKs):
     * {@code -Dmcp.refresh.it.newest.jdk=/path/to/jdk}, else the newest of /usr/lib/jvm/*; null when there is none.
     */
    static Path newestOtherJava() {
        String configured = System.getProperty("mcp.refresh.it.newest.jdk");
        if (configured != null && !configured.isBlank()) {
            return Paths.get(configured, "bin", "java");
        }
        Path jvms = Paths.get("/usr/lib/jvm");
        if (!Files.isDirectory(jvms)) {
            return null;
        }
        try (Stream<Path> dirs = Files.list(jvms)) {
            Path current = Paths.get(System.getProperty("java.home")).toRealPath();
            return dirs.filter(d -> Files.isExecutable(d.resolve("bin/java")) && Files.isRegularFile(d.resolve("release")))
                    .filter(d -> !realPath(d).equals(current))
                    .max(java.util.Comparator.comparingInt(ItEnv::featureVersion))
                    .filter(d -> featureVersion(d) > Runtime.version().feature())
                    .map(d -> d.resolve("bin/java")).orElse(null);
        } catch (IOException e) {
            return null;
        }
    }

    private static Path realPath(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException e) {
            return p;
        }
    }

    private static int featureVersion(Path jdk) {
        try {
            for (String line : Files.readAllLines(jdk.resolve("release"))) {
                if (line.startsWith("JAVA_VERSION=")) {
                    String v = line.substring(line.indexOf('"') + 1);
                    return Integer.parseInt(v.split("[.\"+-]")[0]);
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // not a JDK we can read
        }
        return 0;
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 0, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
