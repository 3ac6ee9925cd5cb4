package dev.mcprefresh.agent.inject;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcprefresh.agent.instrument.AppLibrary;
import dev.mcprefresh.agent.langchain4j.okhttp.InterceptorLoader;
import dev.mcprefresh.core.http.RequestPolicy;
import dev.mcprefresh.core.log.Log;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The agent's helpers reach a library that sits behind a loader of the app's (here: a child-first loader with its own
 * copy of Spring WebFlux or OkHttp, as Spring Boot's loader holds BOOT-INF/lib), through the real route the agent
 * takes in an app: java.lang opened by the JVM's Instrumentation, the classes read from the agent's class files.
 */
class HelperClassesTest {
    private static final String EXCHANGE_FILTER_FUNCTION =
            "org.springframework.web.reactive.function.client.ExchangeFilterFunction";
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();

    @BeforeAll
    static void instrumentation() throws Exception {
        HelperClasses.useInstrumentation(SelfAttach.instrumentation());
    }

    @AfterEach
    void restoreLog() {
        Log.setOutput(System.err);
    }

    @Test
    void theFilterIsDefinedInTheLoaderThatHoldsSpringAndLinksToItsSpring() throws Exception {
        IsolatedLibrary app = IsolatedLibrary.springWebFlux(getClass().getClassLoader());
        Class<?> appFilterType = app.loadClass(EXCHANGE_FILTER_FUNCTION);
        Class<?> agentFilterType = Class.forName(EXCHANGE_FILTER_FUNCTION);
        assertTrue(appFilterType != agentFilterType, "the test loader has its own Spring");

        Class<?> filter = AppLibrary.helperFor(HelperSet.WEBCLIENT_FILTER, appFilterType);

        assertNotNull(filter);
        assertSame(app, filter.getClassLoader());
        assertTrue(appFilterType.isAssignableFrom(filter), "an ExchangeFilterFunction of the app's Spring");
        assertSame(app, Class.forName("dev.mcprefresh.agent.spring.webflux.LastHop", false, app).getClassLoader(),
                "the helper's helper is defined beside it");
        filter.getDeclaredMethods(); // links every type its methods name: Spring's and Reactor's from the app's loader
        Object instance = filter.getConstructor(RequestPolicy.class).newInstance((RequestPolicy) null);
        assertTrue(appFilterType.isInstance(instance));
    }

    @Test
    void aSecondAskAndConcurrentAsksGetTheSameClass() throws Exception {
        IsolatedLibrary app = IsolatedLibrary.springWebFlux(getClass().getClassLoader());
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            Callable<Class<?>> ask = () -> HelperClasses.entryIn(app, HelperSet.WEBCLIENT_FILTER);
            List<Future<Class<?>>> asks = pool.invokeAll(java.util.Collections.nCopies(16, ask));
            Set<Class<?>> seen = new HashSet<>();
            for (Future<Class<?>> f : asks) {
                seen.add(f.get());
            }
            assertEquals(1, seen.size(), seen.toString());
            assertSame(seen.iterator().next(), HelperClasses.entryIn(app, HelperSet.WEBCLIENT_FILTER));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aLoaderThatCannotReachTheAgentsCoreClassesGetsNothingAndOneWarning() throws Exception {
        IsolatedLibrary osgiLike = IsolatedLibrary.springWebFlux(ClassLoader.getPlatformClassLoader());
        HelperUnavailable refused = assertThrows(HelperUnavailable.class,
                () -> HelperClasses.entryIn(osgiLike, HelperSet.WEBCLIENT_FILTER));
        assertTrue(refused.getMessage().contains("does not reach the agent's " + RequestPolicy.class.getName()),
                refused.getMessage());
        assertNull(findLoaded(osgiLike, HelperSet.WEBCLIENT_FILTER.entry()), "nothing was defined there");

        Log.setOutput(new PrintStream(log, true, StandardCharsets.UTF_8));
        IsolatedLibrary another = IsolatedLibrary.springWebFlux(ClassLoader.getPlatformClassLoader());
        assertNull(AppLibrary.helperFor(HelperSet.WEBCLIENT_FILTER, another.loadClass(EXCHANGE_FILTER_FUNCTION)));
        String lines = log.toString(StandardCharsets.UTF_8);
        assertEquals(1, lines.lines().count(), lines); // the first in this JVM: said once per library
        assertTrue(lines.contains("Spring WebFlux is loaded by " + IsolatedLibrary.class.getName())
                && lines.contains("does not reach the agent's") && lines.contains("left as the app built them"), lines);
    }

    @Test
    void aClassPathAppGetsTheAgentsOwnFilter() throws Exception {
        Class<?> filter = AppLibrary.helperFor(HelperSet.WEBCLIENT_FILTER, Class.forName(EXCHANGE_FILTER_FUNCTION));
        assertSame(Class.forName(HelperSet.WEBCLIENT_FILTER.entry()), filter);
    }

    @Test
    void anOkHttpClientBehindTheAppsLoaderGetsTheInterceptorDefinedThere() throws Exception {
        IsolatedLibrary app = IsolatedLibrary.okHttp(getClass().getClassLoader());
        Class<?> clientType = app.loadClass("okhttp3.OkHttpClient");
        Object client = clientType.getConstructor().newInstance();

        Object decorated = InterceptorLoader.decorate(clientType, client, null);

        assertNotNull(decorated);
        assertSame(clientType, decorated.getClass());
        List<?> interceptors = (List<?>) clientType.getMethod("interceptors").invoke(decorated);
        assertEquals(1, interceptors.size());
        assertEquals(HelperSet.OKHTTP_INTERCEPTOR.entry(), interceptors.get(0).getClass().getName());
        assertSame(app, interceptors.get(0).getClass().getClassLoader());
    }

    /** Every class compiled into the helpers' packages is in a set, so none is ever asked of the agent's loader. */
    @Test
    void everyHelperClassFileIsListed() throws Exception {
        Set<String> listed = Stream.of(HelperSet.WEBCLIENT_FILTER, HelperSet.OKHTTP_INTERCEPTOR)
                .flatMap(s -> s.classes().stream()).collect(Collectors.toSet());
        Set<String> compiled = new HashSet<>();
        for (String entry : List.of(HelperSet.WEBCLIENT_FILTER.entry(), HelperSet.OKHTTP_INTERCEPTOR.entry())) {
            compiled.addAll(classesBeside(Class.forName(entry)));
        }
        compiled.remove("dev.mcprefresh.agent.langchain4j.okhttp.InterceptorLoader"); // links to no OkHttp type
        assertEquals(compiled, listed);
    }

    private static Set<String> classesBeside(Class<?> type) throws Exception {
        Path dir = Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI())
                .resolve(type.getPackageName().replace('.', '/'));
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".class"))
                    .map(n -> type.getPackageName() + "." + n.substring(0, n.length() - ".class".length()))
                    .collect(Collectors.toSet());
        } catch (IOException e) {
            throw new AssertionError("no class directory for " + type.getName(), e);
        }
    }

    private static Class<?> findLoaded(ClassLoader loader, String name) throws Exception {
        return LoaderAccess.open(SelfAttach.instrumentation()).findLoaded(loader, name);
    }
}
