package dev.mcprefresh.agent.instrument;

import dev.mcprefresh.core.log.Log;
import java.util.Map;

/** Runs {@link EntryCallPatcher} over one class file; null (logged) when the class is not the expected shape. */
final class EntryCallInstrumenter {
    private EntryCallInstrumenter() {
    }

    static byte[] instrument(String className, byte[] bytes, Map<String, String> methods) {
        try {
            byte[] patched = EntryCallPatcher.patch(bytes, methods);
            if (patched == null) {
                Log.warn("skipping " + className.replace('/', '.') + ": it lacks " + methods.keySet()
                        + " with the SDK's signatures (a fork or an unsupported version?); its transports are left as"
                        + " they are");
                return null;
            }
            Log.debug("instrumented " + className.replace('/', '.'));
            return patched;
        } catch (Throwable t) {
            Log.warn("could not instrument " + className.replace('/', '.') + "; it is left as it is", t);
            return null;
        }
    }
}
