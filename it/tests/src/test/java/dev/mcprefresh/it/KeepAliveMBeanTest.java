package dev.mcprefresh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.tools.attach.VirtualMachine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import org.junit.jupiter.api.Test;

/**
 * What an operator sees of a running app's grant, with the tools they already run: an app whose JVM already runs JMX
 * (here its local management agent) shows one {@code dev.mcprefresh:type=Credentials} MBean per store entry, read
 * over a real JMX connection, with the refresh token's end, the planned keep-alive and no secret; an app that does not
 * use JMX gets no MBean server from the agent at all (counted in a class histogram), unless {@code jmx=true}.
 */
class KeepAliveMBeanTest extends WithItServers {
    private static final String HISTOGRAM_MBEAN_SERVER = "com.sun.jmx.mbeanserver.JmxMBeanServer";

    private final Secrets secrets = new Secrets();

    private ClientRun app(String name, String clientId, List<String> agentArgs, List<String> jvmOptions)
            throws Exception {
        Path dir = Files.createDirectories(servers.work.resolve("mbean-" + name));
        Path store = dir.resolve("store/tokens.json");
        McpServerProcess server = servers.mcp("2.1", "streamable");
        AuthorizationServer.Tokens tokens = servers.as.login(clientId);
        secrets.add(tokens);
        KeepAliveScenario.seed(dir, server.mcpUrl, clientId, tokens.refreshToken(), store);
        ClientRun run = ClientRun.start("2.1", "streamable-requestBuilder", server.baseUrl, tokens.accessToken(), store,
                2, 12_000, dir, agentArgs, jvmOptions);
        run.awaitLine("CALL 1 OK"::equals, Duration.ofSeconds(60));
        secrets.addFromStore(store);
        return run;
    }

    @Test
    void anAppThatRunsJmxShowsItsGrantAsAnMBean() throws Exception {
        try (ClientRun run = app("jmx", AuthorizationServer.IDLE_CLIENT, List.of(),
                List.of("-Dcom.sun.management.jmxremote"))) {
            Map<String, Object> values = new HashMap<>();
            VirtualMachine vm = VirtualMachine.attach(String.valueOf(run.pid()));
            try (JMXConnector jmx = JMXConnectorFactory.connect(new JMXServiceURL(vm.startLocalManagementAgent()))) {
                MBeanServerConnection c = jmx.getMBeanServerConnection();
                Set<ObjectName> names = c.queryNames(new ObjectName("dev.mcprefresh:type=Credentials,*"), null);
                assertEquals(1, names.size(), names.toString());
                ObjectName name = names.iterator().next();
                for (MBeanAttributeInfo a : c.getMBeanInfo(name).getAttributes()) {
                    values.put(a.getName(), c.getAttribute(name, a.getName()));
                }
            } finally {
                vm.detach();
            }
            assertEquals(servers.mcp("2.1", "streamable").mcpUrl, values.get("ServerUrl"), values.toString());
            assertEquals(Boolean.FALSE, values.get("NeedsLogin"), values.toString());
            assertEquals(1, values.get("LiveTransports"), values.toString());
            assertEquals("the server's refresh_expires_in", values.get("RefreshTokenExpirySource"), values.toString());
            long left = (Long) values.get("RefreshTokenSecondsLeft");
            assertTrue(left > 0 && left <= AuthorizationServer.IDLE_REFRESH_TTL_SECONDS, values.toString());
            assertFalse(((String) values.get("NextKeepAlive")).isEmpty(), "a keep-alive is planned: " + values);
            assertTrue((Long) values.get("RefreshCount") >= 1, values.toString());
            assertEquals("", values.get("LastError"), values.toString());
            secrets.assertNotIn("the MBean's attributes", values.toString());
            run.finish();
            assertEquals(0, run.failed, run.output());
            secrets.assertNotIn(run.process.name(), run.output());
        }
    }

    @Test
    void anAppWithoutJmxGetsNoMBeanServerUnlessAskedFor() throws Exception {
        List<ClientRun> runs = new ArrayList<>();
        try (ClientRun auto = app("auto", AuthorizationServer.IDLE_CLIENT_2, List.of(), List.of());
                ClientRun asked = app("true", "app-long", List.of("jmx=true"), List.of())) {
            runs.add(auto);
            runs.add(asked);
            assertEquals(0, mbeanServers(auto.pid()), "jmx=auto must not start the platform MBean server");
            assertEquals(1, mbeanServers(asked.pid()), "jmx=true starts it for its MBeans");
            for (ClientRun r : runs) {
                r.finish();
                assertEquals(0, r.failed, r.output());
                secrets.assertNotIn(r.process.name(), r.output());
            }
        }
    }

    /** Live instances of the JDK's MBean server class in a JVM, from {@code jcmd PID GC.class_histogram}. */
    private static long mbeanServers(long pid) throws Exception {
        Path jcmd = ItEnv.java().resolveSibling("jcmd");
        Process p = new ProcessBuilder(jcmd.toString(), String.valueOf(pid), "GC.class_histogram")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, out);
        assertTrue(out.contains("java.lang.String "), "a class histogram: " + out);
        for (String line : out.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 4 && f[3].equals(HISTOGRAM_MBEAN_SERVER)) {
                return Long.parseLong(f[1]);
            }
        }
        return 0;
    }
}
