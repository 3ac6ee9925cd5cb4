package dev.mcprefresh.agent.sdk;

import dev.mcprefresh.core.log.Log;
import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;
import java.util.Map;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassWriter;

/**
 * Adds one bridge call at the entry of the MCP Java SDK's transport {@code Builder.build()} methods.
 *
 * <p>Why not ByteBuddy's AgentBuilder: set up as usual it costs ~0.5 s of start-up on this project's machines
 * before it transforms anything (design notes, section 4), and the budget is 150 ms. A name check per loaded class
 * plus a few-instruction ASM visitor on the two matching classes does the same job for a few milliseconds. ASM comes
 * from ByteBuddy's repackaged copy, relocated into the agent jar.
 */
public final class SdkTransportTransformer implements ClassFileTransformer {
    private static final String PACKAGE = "io/modelcontextprotocol/client/transport/";
    /** Builder class -> exact descriptor of its build() method; a class with another build() is a fork: skipped. */
    private static final Map<String, String> TARGETS = Map.of(
            PACKAGE + "HttpClientStreamableHttpTransport$Builder",
            "()L" + PACKAGE + "HttpClientStreamableHttpTransport;",
            PACKAGE + "HttpClientSseClientTransport$Builder",
            "()L" + PACKAGE + "HttpClientSseClientTransport;");

    public boolean isTarget(String internalName) {
        return internalName != null && internalName.startsWith(PACKAGE) && TARGETS.containsKey(internalName);
    }

    @Override
    public byte[] transform(ClassLoader loader, String className, Class<?> redefined, ProtectionDomain domain,
            byte[] bytes) {
        if (!isTarget(className)) {
            return null;
        }
        try {
            ClassReader reader = new ClassReader(bytes);
            ClassWriter writer = new ClassWriter(reader, ClassWriter.COMPUTE_MAXS);
            BuildEntryInjector injector = new BuildEntryInjector(writer, TARGETS.get(className));
            reader.accept(injector, ClassReader.EXPAND_FRAMES);
            if (!injector.applied()) {
                Log.warn("skipping " + className.replace('/', '.') + ": it has no build() returning the SDK transport"
                        + " (a fork or an unsupported version?); its transports are left as they are");
                return null;
            }
            Log.debug("instrumented " + className.replace('/', '.'));
            return writer.toByteArray();
        } catch (Throwable t) {
            Log.warn("could not instrument " + className.replace('/', '.') + "; it is left as it is", t);
            return null;
        }
    }
}
