package dev.mcprefresh.agent.testing;

import java.io.File;
import java.util.Map;

/** Libraries on the test class path, and a loader that defines chosen classes from given bytes. */
public final class TestJars {
    private TestJars() {
    }

    /** The jar on the test class path whose file name starts with {@code jarName}. */
    public static File onClassPath(String jarName) {
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            File f = new File(entry);
            if (f.getName().startsWith(jarName) && f.getName().endsWith(".jar")) {
                return f;
            }
        }
        throw new AssertionError(jarName + " is not on the test class path");
    }

    /**
     * The classes of one package (not its subpackages) of a jar on the test class path, by binary name, as the jar
     * holds them.
     */
    public static Map<String, byte[]> packageClasses(String jarName, String packageName) throws java.io.IOException {
        Map<String, byte[]> classes = new java.util.HashMap<>();
        String dirPath = packageName.replace('.', '/') + (packageName.endsWith(".") ? "" : "/");
        try (java.util.jar.JarFile jar = new java.util.jar.JarFile(onClassPath(jarName))) {
            for (java.util.jar.JarEntry e : java.util.Collections.list(jar.entries())) {
                String path = e.getName();
                if (path.startsWith(dirPath) && path.endsWith(".class") && path.indexOf('/', dirPath.length()) < 0) {
                    classes.put(path.substring(0, path.length() - 6).replace('/', '.'),
                            jar.getInputStream(e).readAllBytes());
                }
            }
        }
        if (classes.size() < 2) {
            throw new AssertionError(jarName + " holds no package " + packageName + ": " + classes.keySet());
        }
        return classes;
    }

    /** Defines the given classes itself (child-first), so each is verified from those bytes; the rest from the parent. */
    public static final class ChildFirstClasses extends ClassLoader {
        private final Map<String, byte[]> classes;

        public ChildFirstClasses(Map<String, byte[]> classes, ClassLoader parent) {
            super(parent);
            this.classes = classes;
        }

        @Override
        protected synchronized Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            byte[] bytes = classes.get(name);
            if (bytes == null) {
                return super.loadClass(name, resolve);
            }
            Class<?> c = findLoadedClass(name);
            return c != null ? c : defineClass(name, bytes, 0, bytes.length);
        }
    }
}
