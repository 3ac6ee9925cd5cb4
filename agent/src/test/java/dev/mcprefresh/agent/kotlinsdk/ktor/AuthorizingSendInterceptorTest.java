package dev.mcprefresh.agent.kotlinsdk.ktor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.ktor.client.plugins.Sender;
import io.ktor.client.request.HttpRequestBuilder;
import io.ktor.http.URLParserKt;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.util.concurrent.atomic.AtomicInteger;
import kotlin.coroutines.Continuation;
import kotlin.coroutines.CoroutineContext;
import kotlin.coroutines.EmptyCoroutineContext;
import org.junit.jupiter.api.Test;

/** The interceptor's own edge: what the app's send does, when the agent has nothing to add, stays the app's. */
class AuthorizingSendInterceptorTest {

    /** A send that fails before it suspends (Kotlin code may throw any exception directly). */
    private static final class FailingSender implements Sender {
        final AtomicInteger sends = new AtomicInteger();
        final IOException failure = new IOException("connection refused");

        @Override
        public Object execute(HttpRequestBuilder request, Continuation<? super io.ktor.client.call.HttpClientCall> c) {
            sends.incrementAndGet();
            throw sneaky(failure);
        }

        @SuppressWarnings("unchecked")
        private static <T extends Throwable> RuntimeException sneaky(Throwable t) throws T {
            throw (T) t;
        }
    }

    @Test
    void aRequestTheAgentLeavesAloneIsSentOnceAndItsFailureReachesTheAppUnchanged() throws Exception {
        Constructor<AuthorizingSendInterceptor> make = AuthorizingSendInterceptor.class.getDeclaredConstructor();
        make.setAccessible(true);
        AuthorizingSendInterceptor interceptor = make.newInstance(); // serves no server: every request passes
        HttpRequestBuilder request = new HttpRequestBuilder();
        URLParserKt.takeFrom(request.getUrl(), "http://127.0.0.1:9/other");
        FailingSender sender = new FailingSender();
        Continuation<Object> caller = new Continuation<>() {
            @Override
            public CoroutineContext getContext() {
                return EmptyCoroutineContext.INSTANCE;
            }

            @Override
            public void resumeWith(Object result) {
            }
        };
        Exception thrown = assertThrows(Exception.class, () -> interceptor.invoke(sender, request, caller));
        assertSame(sender.failure, thrown);
        assertEquals(1, sender.sends.get(), "never sent a second time");
    }
}
