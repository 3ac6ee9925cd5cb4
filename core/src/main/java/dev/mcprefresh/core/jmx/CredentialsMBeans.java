package dev.mcprefresh.core.jmx;

import dev.mcprefresh.core.log.Log;
import dev.mcprefresh.core.session.Credentials;
import dev.mcprefresh.core.session.CredentialsRegistry;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import javax.management.MBeanServer;
import javax.management.MBeanServerFactory;
import javax.management.ObjectName;

/**
 * Registers one {@link CredentialsMXBean} per store entry in the platform MBean server: always ({@code jmx=true}), or
 * ({@code auto}) only once the JVM runs that server for its own reasons (a JMX port, jmx_exporter, JConsole attached,
 * a framework's beans), so an app without JMX does not start it for us. Under auto an entry made before the server
 * existed is registered at its next refresh (looked for at most once a minute).
 */
public final class CredentialsMBeans implements Consumer<Credentials> {
    static final String DOMAIN = "dev.mcprefresh";
    private static final long LOOK_AGAIN_MILLIS = 60_000;

    private final CredentialsRegistry registry;
    private final boolean always;
    private final Clock clock;
    /** The platform MBean server if the JVM runs it already, else null; never creates it. */
    private final java.util.function.Supplier<MBeanServer> running;
    private final Map<Credentials, ObjectName> registered = new ConcurrentHashMap<>();
    private volatile long nextLookMillis;
    private volatile boolean failedSaid;

    CredentialsMBeans(CredentialsRegistry registry, boolean always, Clock clock,
            java.util.function.Supplier<MBeanServer> running) {
        this.registry = registry;
        this.always = always;
        this.clock = clock;
        this.running = running;
    }

    /** Publishes the registry's entries as MBeans; {@code mode}: "true" or "auto" ("false": do not call this). */
    public static void publish(CredentialsRegistry registry, String mode) {
        registry.publishWith(new CredentialsMBeans(registry, "true".equals(mode), Clock.systemUTC(),
                CredentialsMBeans::platformServerIfRunning));
    }

    @Override
    public void accept(Credentials c) {
        if (registered.containsKey(c)) {
            return;
        }
        try {
            MBeanServer server = server();
            if (server == null) {
                return;
            }
            ObjectName name = nameOf(c);
            if (!server.isRegistered(name)) {
                server.registerMBean(new CredentialsBean(registry, c, clock), name);
            }
            registered.put(c, name);
        } catch (Throwable t) {
            if (!failedSaid) {
                failedSaid = true;
                Log.warn("could not register the MBean of " + dev.mcprefresh.core.log.LoggedUrl.of(c.serverUrl()) + " (" + t.getClass().getSimpleName()
                        + "); the agent works on without it");
            }
        }
    }

    /** The platform MBean server if it should be used now, else null. */
    private MBeanServer server() {
        if (always) {
            return ManagementFactory.getPlatformMBeanServer();
        }
        long now = clock.millis();
        if (now < nextLookMillis) {
            return null;
        }
        nextLookMillis = now + LOOK_AGAIN_MILLIS;
        return running.get();
    }

    /**
     * The platform MBean server when something already made it: it is made through MBeanServerFactory, which lists
     * it from then on, so looking does not create it. Only the platform one holds the JVM's runtime MBean.
     */
    static MBeanServer platformServerIfRunning() {
        try {
            ObjectName runtime = new ObjectName(ManagementFactory.RUNTIME_MXBEAN_NAME);
            for (MBeanServer s : MBeanServerFactory.findMBeanServer(null)) {
                if (s.isRegistered(runtime)) {
                    return s;
                }
            }
        } catch (javax.management.MalformedObjectNameException impossible) {
            // a JDK constant
        }
        return null;
    }

    static ObjectName nameOf(Credentials c) throws javax.management.MalformedObjectNameException {
        return new ObjectName(DOMAIN + ":type=Credentials,server=" + ObjectName.quote(
                dev.mcprefresh.core.log.LoggedUrl.of(c.serverUrl())) + ",identity=" + ObjectName.quote(
                c.identityLabel()) + ",entry=" + ObjectName.quote(c.entryId()));
    }
}
