package dev.mcprefresh.agent.patcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcprefresh.agent.testing.TestJars;
import java.io.File;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The patcher on classes another agent has already rewritten: a forked JVM runs the OpenTelemetry Java agent and then
 * {@link PatchAfterOtherAgent}, which patches every OkHttp class as OpenTelemetry's transformer left it (its advice
 * inlined, its helper calls and constants added) and loads the whole OkHttp jar, so the JVM verifies each patched class.
 */
class OtherAgentRewrittenClassesTest {
    private static final Pattern RESULT = Pattern.compile(Pattern.quote(PatchAfterOtherAgent.RESULT)
            + " linked=(\\d+) patched=(\\d+) rewrittenByOtherAgent=\\[(.*)] failures=\\[(.*)]");

    @Test
    void classesOpenTelemetryRewroteTakeEveryEditAndStillVerify(@TempDir Path dir) throws Exception {
        File otel = TestJars.onClassPath("opentelemetry-javaagent-2");
        File okhttp = TestJars.onClassPath("okhttp-4");
        Path agent = dir.resolve("patch-after-other-agent.jar");
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().putValue("Premain-Class", PatchAfterOtherAgent.class.getName());
        manifest.getMainAttributes().putValue("Can-Retransform-Classes", "true"); // to run after OpenTelemetry's
        try (OutputStream out = new JarOutputStream(Files.newOutputStream(agent), manifest)) {
            // the manifest is all: the agent class comes from the test class path
        }
        List<String> classPath = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (!new File(entry).equals(otel)) {
                classPath.add(entry);
            }
        }
        List<String> command = List.of(System.getProperty("java.home") + "/bin/java",
                "-javaagent:" + otel, "-Dotel.traces.exporter=none", "-Dotel.metrics.exporter=none",
                "-Dotel.logs.exporter=none", "-javaagent:" + agent + "=okhttp3/",
                "-cp", String.join(File.pathSeparator, classPath),
                PatchAfterOtherAgent.class.getName(), okhttp.getPath());
        Process fork = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(fork.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(fork.waitFor(60, TimeUnit.SECONDS), output);
        assertEquals(0, fork.exitValue(), output);

        Matcher result = RESULT.matcher(output);
        assertTrue(result.find(), output);
        assertEquals("", result.group(4), "every patched class verifies after OpenTelemetry's rewrite");
        assertFalse(result.group(3).isEmpty(), "OpenTelemetry rewrote OkHttp classes before the patcher: " + output);
        assertTrue(Integer.parseInt(result.group(2)) > 100, output);
        assertTrue(Integer.parseInt(result.group(1)) > 100, output);
        assertNotNull(result.group(3));
        System.out.println(result.group());
    }
}
