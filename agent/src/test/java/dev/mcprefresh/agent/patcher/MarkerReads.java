package dev.mcprefresh.agent.patcher;

import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.List;

/** The static reader the tests substitute for field reads: returns {@link #MARKER} and records who asked. */
public final class MarkerReads {
    public static final HttpClient MARKER = new dev.mcprefresh.agent.testing.RecordingHttpClient();
    public static final List<Object> READERS = new ArrayList<>();

    private MarkerReads() {
    }

    public static synchronized HttpClient client(Object transport) {
        READERS.add(transport);
        return MARKER;
    }

    /** The reader of a field declared as Object. */
    public static synchronized Object object(Object owner) {
        READERS.add(owner);
        return MARKER;
    }
}
