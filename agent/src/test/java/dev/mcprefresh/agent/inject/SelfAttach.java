package dev.mcprefresh.agent.inject;

import java.io.File;
import java.io.FileOutputStream;
import java.lang.instrument.Instrumentation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * A real Instrumentation for this test JVM, as the agent has one in an app: a JVM may not attach to itself, so a
 * child JVM attaches to this one and loads a manifest-only agent jar whose Agent-Class (this class, already on the
 * class path) keeps what the JVM hands it.
 */
public final class SelfAttach {
    private static volatile Instrumentation caught;

    private SelfAttach() {
    }

    public static void agentmain(String args, Instrumentation inst) {
        caught = inst;
    }

    static synchronized Instrumentation instrumentation() throws Exception {
        if (caught != null) {
            return caught;
        }
        Path jar = Files.createTempFile("self-attach", ".jar");
        jar.toFile().deleteOnExit();
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().putValue("Agent-Class", SelfAttach.class.getName());
        try (JarOutputStream out = new JarOutputStream(new FileOutputStream(jar.toFile()), manifest)) {
            // the manifest is all: the class comes from the test class path
        }
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        String classes = Path.of(SelfAttach.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .toString();
        Process p = new ProcessBuilder(java, "-cp", classes, Attacher.class.getName(),
                String.valueOf(ProcessHandle.current().pid()), jar.toString()).inheritIO().start();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0 || caught == null) {
            p.destroyForcibly();
            throw new AssertionError("could not attach to the test JVM");
        }
        return caught;
    }

    /** The child JVM's main. */
    public static final class Attacher {
        public static void main(String[] args) throws Exception {
            com.sun.tools.attach.VirtualMachine vm = com.sun.tools.attach.VirtualMachine.attach(args[0]);
            try {
                vm.loadAgent(args[1]);
            } finally {
                vm.detach();
            }
        }
    }
}
