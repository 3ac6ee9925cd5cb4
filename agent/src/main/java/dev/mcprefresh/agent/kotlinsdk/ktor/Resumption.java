package dev.mcprefresh.agent.kotlinsdk.ktor;

import java.util.function.BiFunction;
import kotlin.Result;
import kotlin.ResultKt;
import kotlin.coroutines.Continuation;
import kotlin.coroutines.CoroutineContext;
import kotlin.coroutines.intrinsics.IntrinsicsKt;

/**
 * The continuation the interceptor hands Ktor when a send suspends: a failure goes straight to the caller; a call goes
 * through {@code next} (which may send again, and suspend again), and what that returns resumes the caller. Runs on the
 * thread Ktor resumes it on, in the caller's context, as a compiled suspend function would.
 */
final class Resumption implements Continuation<Object> {
    private final Continuation<Object> caller;
    private final BiFunction<Object, Continuation<Object>, Object> next;

    Resumption(Continuation<Object> caller, BiFunction<Object, Continuation<Object>, Object> next) {
        this.caller = caller;
        this.next = next;
    }

    @Override
    public CoroutineContext getContext() {
        return caller.getContext();
    }

    @Override
    public void resumeWith(Object result) {
        if (result instanceof Result.Failure) {
            caller.resumeWith(result);
            return;
        }
        Object value;
        try {
            value = next.apply(result, caller);
        } catch (Throwable t) {
            caller.resumeWith(ResultKt.createFailure(t));
            return;
        }
        if (value != IntrinsicsKt.getCOROUTINE_SUSPENDED()) {
            caller.resumeWith(value);
        }
    }
}
