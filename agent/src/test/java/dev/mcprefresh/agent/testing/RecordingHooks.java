package dev.mcprefresh.agent.testing;

import dev.mcprefresh.agent.bridge.BridgeHooks;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;

/** Bridge hooks for tests: records every entry call (role and target); field reads are answered by a function. */
public final class RecordingHooks implements BridgeHooks {
    /** One entry call. */
    public record Call(String role, Object target) {
    }

    public final List<Call> calls = Collections.synchronizedList(new ArrayList<>());
    private final Function<Object, Object> reads;

    public RecordingHooks() {
        this(owner -> {
            throw new IllegalStateException("no field reads expected");
        });
    }

    public RecordingHooks(Function<Object, Object> reads) {
        this.reads = reads;
    }

    @Override
    public void entry(String role, Object target) {
        calls.add(new Call(role, target));
    }

    @Override
    public Object fieldRead(String role, Object owner) {
        return reads.apply(owner);
    }

    /** Hooks that hand every entry call's target to {@code onEntry}, whatever its role. */
    public static BridgeHooks entries(java.util.function.Consumer<Object> onEntry) {
        return new BridgeHooks() {
            @Override
            public void entry(String role, Object target) {
                onEntry.accept(target);
            }

            @Override
            public Object fieldRead(String role, Object owner) {
                throw new IllegalStateException("no field reads expected");
            }
        };
    }

    /** The targets of the calls in {@code role}. */
    public List<Object> targets(String role) {
        List<Object> out = new ArrayList<>();
        synchronized (calls) {
            for (Call c : calls) {
                if (c.role().equals(role)) {
                    out.add(c.target());
                }
            }
        }
        return out;
    }
}
