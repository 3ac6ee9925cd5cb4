package dev.mcprefresh.agent.instrument;

import dev.mcprefresh.core.log.Log;
import java.util.Map;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassWriter;

/** Runs {@link EntryCallInjector} over one class file; null (logged) when the class is not the SDK's shape. */
final class EntryCallInstrumenter {
    private EntryCallInstrumenter() {
    }

    static byte[] instrument(String className, byte[] bytes, Map<String, String> methods) {
        try {
            ClassReader reader = new ClassReader(bytes);
            ClassWriter writer = new ClassWriter(reader, ClassWriter.COMPUTE_MAXS);
            EntryCallInjector injector = new EntryCallInjector(writer, methods);
            reader.accept(injector, ClassReader.EXPAND_FRAMES);
            if (!injector.applied()) {
                Log.warn("skipping " + className.replace('/', '.') + ": it lacks " + methods.keySet()
                        + " with the SDK's signatures (a fork or an unsupported version?); its transports are left as"
                        + " they are");
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
