package dev.mcprefresh.agent;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.instrument.Instrumentation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.zip.ZipEntry;

/**
 * Puts {@code McpRefreshBridge} on the bootstrap class path. It ships in the agent jar as .classdata, written here
 * into a one-class temporary jar, so the app class loader can never define a second copy of it.
 */
final class BootstrapBridgeInstaller {
    private static final String CLASS = "dev/mcprefresh/agent/bootstrap/McpRefreshBridge";
    private static final String RESOURCE = "/mcp-refresh-bootstrap/dev/mcprefresh/agent/bootstrap/McpRefreshBridge.classdata";

    private BootstrapBridgeInstaller() {
    }

    static void install(Instrumentation inst) throws IOException {
        byte[] bytes;
        try (InputStream in = BootstrapBridgeInstaller.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                // Running from classes (unit tests, IDE): the bridge is an ordinary class on the class path.
                return;
            }
            bytes = in.readAllBytes();
        }
        Path jar = Files.createTempFile("mcp-refresh-bootstrap-", ".jar",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        jar.toFile().deleteOnExit();
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream jos = new JarOutputStream(out)) {
            jos.putNextEntry(new ZipEntry(CLASS + ".class"));
            jos.write(bytes);
            jos.closeEntry();
        }
        inst.appendToBootstrapClassLoaderSearch(new JarFile(jar.toFile()));
    }
}
