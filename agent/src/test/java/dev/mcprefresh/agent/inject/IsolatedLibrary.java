package dev.mcprefresh.agent.inject;

import dev.mcprefresh.agent.testing.TestJars;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.List;

/**
 * A loader that holds its own copy of a library (as Spring Boot's loader holds BOOT-INF/lib), loading the library's
 * packages itself first and everything else from {@code parent}: the test class path's loader (which also holds the
 * agent's classes), or one that cannot see the agent at all.
 */
final class IsolatedLibrary extends URLClassLoader {
    private final List<String> ownPackages;

    private IsolatedLibrary(URL[] jars, List<String> ownPackages, ClassLoader parent) {
        super("isolated-library", jars, parent);
        this.ownPackages = ownPackages;
    }

    static IsolatedLibrary springWebFlux(ClassLoader parent) throws MalformedURLException {
        return of(List.of("spring-webflux", "spring-web-", "spring-core", "spring-jcl", "reactor-core",
                "reactive-streams"), List.of("org.springframework.", "reactor.", "org.reactivestreams."), parent);
    }

    static IsolatedLibrary okHttp(ClassLoader parent) throws MalformedURLException {
        return of(List.of("okhttp-", "okio-jvm", "kotlin-stdlib-2"), List.of("okhttp3.", "okio.", "kotlin."),
                parent);
    }

    private static IsolatedLibrary of(List<String> jarNames, List<String> ownPackages, ClassLoader parent)
            throws MalformedURLException {
        URL[] urls = new URL[jarNames.size()];
        for (int i = 0; i < urls.length; i++) {
            urls[i] = TestJars.onClassPath(jarNames.get(i)).toURI().toURL();
        }
        return new IsolatedLibrary(urls, ownPackages, parent);
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        if (ownPackages.stream().noneMatch(name::startsWith)) {
            return super.loadClass(name, resolve);
        }
        synchronized (getClassLoadingLock(name)) {
            Class<?> c = findLoadedClass(name);
            return c != null ? c : findClass(name);
        }
    }
}
