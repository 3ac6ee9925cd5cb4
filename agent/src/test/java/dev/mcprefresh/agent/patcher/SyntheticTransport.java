package dev.mcprefresh.agent.patcher;

import java.net.http.HttpClient;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

/**
 * Shaped like an MCP transport that holds its HttpClient in a final field, read in every way javac compiles a read:
 * plainly, in a tableswitch and a lookupswitch, in try/catch/finally, in an instance lambda (a synthetic method of
 * this class), in a loop, next to long and double locals. The patched class must read it through the reader in every
 * instance method except the constructor, and verify.
 */
public final class SyntheticTransport {
    private final HttpClient client;
    private final String name;
    public final HttpClient seenByConstructor;
    public int finallyRuns;

    public SyntheticTransport(HttpClient client, String name) {
        this.client = client;
        this.name = name;
        this.seenByConstructor = this.client; // a read in <init>: never substituted
    }

    public HttpClient direct() {
        return client;
    }

    public Object inTableSwitch(int k) {
        switch (k) {
            case 0: return client;
            case 1: return name;
            case 2: return client.version() != null ? client : name;
            case 3: return "three";
            default: return client;
        }
    }

    public Object inLookupSwitch(int k) {
        switch (k) {
            case -1000: return name;
            case 7: return client;
            case 0xB4: return client; // a key whose bytes hold the getfield opcode
            case 100000: return client;
            default: return null;
        }
    }

    public Object inStringSwitch(String s) {
        switch (s) {
            case "a": return client;
            case "b": return name;
            default: return client;
        }
    }

    public Object inTry(boolean fail) {
        try {
            if (fail) {
                throw new IllegalStateException(name);
            }
            return client;
        } catch (IllegalStateException e) {
            return client;
        } finally {
            finallyRuns++;
        }
    }

    public Supplier<HttpClient> inLambda() {
        return () -> client;
    }

    public Callable<Object> inNestedLambda() {
        return () -> ((Supplier<Object>) () -> client).get();
    }

    public Object inLoop(long a, double b) {
        Object last = null;
        for (int i = 0; i < 3; i++) {
            last = i % 2 == 0 ? client : (Object) name;
            a += i;
            b *= 2;
        }
        return a + b > 0 ? last : client;
    }

    /** A static read of another instance's field: the patch changes instance methods only. */
    public static HttpClient readStatically(SyntheticTransport t) {
        return t.client;
    }

    /** A method for an entry call: it reads the field too. */
    public HttpClient build() {
        int i = 0;
        while (i < 2) {
            i++;
        }
        return i == 2 ? client : null;
    }
}
