package dev.mcprefresh.core.http;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;

/**
 * The app's request with exactly one Authorization header, ours. It shares everything else with the original (body,
 * method, timeout, version) and builds its header map once, where copying through {@code HttpRequest.newBuilder}
 * would build it twice: this is the per-request path.
 */
final class AuthorizedRequest extends HttpRequest {
    private final HttpRequest original;
    private final HttpHeaders headers;

    AuthorizedRequest(HttpRequest request, String authorization) {
        this.original = request instanceof AuthorizedRequest ? ((AuthorizedRequest) request).original : request;
        WithAuthorization map = new WithAuthorization(original.headers().map(), authorization);
        // Every Authorization value of the app's is dropped; ours, served last, is the one kept.
        this.headers = HttpHeaders.of(map, (name, value) -> map.servingOwn || !name.equalsIgnoreCase("Authorization"));
    }

    /** The request as the app built it. */
    HttpRequest original() {
        return original;
    }

    @Override
    public Optional<BodyPublisher> bodyPublisher() {
        return original.bodyPublisher();
    }

    @Override
    public String method() {
        return original.method();
    }

    @Override
    public Optional<Duration> timeout() {
        return original.timeout();
    }

    @Override
    public boolean expectContinue() {
        return original.expectContinue();
    }

    @Override
    public URI uri() {
        return original.uri();
    }

    @Override
    public Optional<HttpClient.Version> version() {
        return original.version();
    }

    @Override
    public HttpHeaders headers() {
        return headers;
    }

    /** The source headers followed by one Authorization entry; read once, in order, by {@link HttpHeaders#of}. */
    private static final class WithAuthorization extends AbstractMap<String, List<String>> {
        private final Map<String, List<String>> source;
        private final Map.Entry<String, List<String>> authorization;
        /** True once iteration has reached our entry. */
        boolean servingOwn;

        WithAuthorization(Map<String, List<String>> source, String value) {
            this.source = source;
            this.authorization = new SimpleImmutableEntry<>("Authorization", List.of(value));
        }

        @Override
        public Set<Map.Entry<String, List<String>>> entrySet() {
            return new AbstractSet<>() {
                @Override
                public Iterator<Map.Entry<String, List<String>>> iterator() {
                    Iterator<Map.Entry<String, List<String>>> it = source.entrySet().iterator();
                    return new Iterator<>() {
                        private boolean extraDone;

                        @Override
                        public boolean hasNext() {
                            return it.hasNext() || !extraDone;
                        }

                        @Override
                        public Map.Entry<String, List<String>> next() {
                            if (it.hasNext()) {
                                return it.next();
                            }
                            if (extraDone) {
                                throw new NoSuchElementException();
                            }
                            extraDone = true;
                            servingOwn = true;
                            return authorization;
                        }
                    };
                }

                @Override
                public int size() {
                    return source.size() + 1;
                }
            };
        }
    }
}
