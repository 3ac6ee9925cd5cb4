package dev.mcprefresh.core.http;

import java.net.http.HttpRequest;
import java.util.Optional;
import java.util.Set;

/** Whether a request can be sent a second time with the same body: only for the JDK's in-memory and file bodies. */
final class Resendable {
    private static final Set<String> REPLAYABLE_PUBLISHERS = Set.of(
            "jdk.internal.net.http.RequestPublishers$ByteArrayPublisher",
            "jdk.internal.net.http.RequestPublishers$StringPublisher",
            "jdk.internal.net.http.RequestPublishers$ByteArraysPublisher",
            "jdk.internal.net.http.RequestPublishers$IterablePublisher",
            "jdk.internal.net.http.RequestPublishers$FilePublisher",
            "jdk.internal.net.http.RequestPublishers$EmptyPublisher");

    private Resendable() {
    }

    static boolean check(HttpRequest request) {
        Optional<HttpRequest.BodyPublisher> body = request.bodyPublisher();
        // A stream or a caller's own publisher may not produce the same bytes twice: such requests are never replayed.
        return body.isEmpty() || REPLAYABLE_PUBLISHERS.contains(body.get().getClass().getName());
    }
}
