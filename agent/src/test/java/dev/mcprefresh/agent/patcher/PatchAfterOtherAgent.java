package dev.mcprefresh.agent.patcher;

import java.io.File;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.nio.charset.StandardCharsets;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * Runs in a forked JVM, as a -javaagent after another agent (OpenTelemetry's): its transformer is registered second
 * and retransform-capable like the other agent's, so it sees the other agent's output, and patches every class of the
 * chosen packages with {@link EveryMethodPatch}. {@code main} then loads every class of the given jars from the system
 * class loader, which verifies them, and prints one line of results for {@link OtherAgentRewrittenClassesTest}.
 */
public final class PatchAfterOtherAgent {
    static final String RESULT = "patch-after-other-agent:";
    private static final byte[] OTHER_AGENT_MARK = "io/opentelemetry/".getBytes(StandardCharsets.ISO_8859_1);

    private static final List<String> patched = Collections.synchronizedList(new ArrayList<>());
    private static final List<String> rewrittenByOtherAgent = Collections.synchronizedList(new ArrayList<>());
    private static final List<String> failures = Collections.synchronizedList(new ArrayList<>());
    private static volatile String[] packages = new String[0];

    private PatchAfterOtherAgent() {
    }

    /** {@code args}: the internal-name prefixes of the classes to patch, comma-separated. */
    public static void premain(String args, Instrumentation inst) {
        packages = args.split(",");
        inst.addTransformer(new ClassFileTransformer() {
            @Override
            public byte[] transform(ClassLoader loader, String name, Class<?> redefined, ProtectionDomain domain,
                    byte[] bytes) {
                if (name == null || redefined != null || loader != ClassLoader.getSystemClassLoader()
                        || !chosen(name)) {
                    return null;
                }
                try {
                    byte[] result = EveryMethodPatch.apply(bytes);
                    patched.add(name);
                    if (contains(bytes, OTHER_AGENT_MARK)) {
                        rewrittenByOtherAgent.add(name);
                    }
                    return result;
                } catch (Throwable t) {
                    failures.add(name + " not patched: " + t);
                    return null;
                }
            }
        }, true);
    }

    /** {@code args}: jars whose every class is loaded and linked. */
    public static void main(String[] args) throws Exception {
        int linked = 0;
        for (String jar : args) {
            try (JarFile file = new JarFile(new File(jar))) {
                for (JarEntry e : Collections.list(file.entries())) {
                    String path = e.getName();
                    if (!path.endsWith(".class") || path.contains("-info") || path.startsWith("META-INF/")) {
                        continue;
                    }
                    String name = path.substring(0, path.length() - 6).replace('/', '.');
                    try {
                        Class.forName(name, false, ClassLoader.getSystemClassLoader()).getDeclaredMethods();
                        linked++;
                    } catch (VerifyError | ClassFormatError ve) {
                        failures.add(name + ": " + ve);
                    } catch (Throwable missingOptionalDependency) {
                        // e.g. okhttp's platform classes for Android or Conscrypt: nothing to verify against
                    }
                }
            }
        }
        System.out.println(RESULT + " linked=" + linked + " patched=" + patched.size() + " rewrittenByOtherAgent="
                + rewrittenByOtherAgent + " failures=" + failures);
    }

    private static boolean chosen(String name) {
        for (String p : packages) {
            if (name.startsWith(p)) {
                return true;
            }
        }
        return false;
    }

    private static boolean contains(byte[] b, byte[] part) {
        outer:
        for (int i = 0; i + part.length <= b.length; i++) {
            for (int j = 0; j < part.length; j++) {
                if (b[i + j] != part[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
