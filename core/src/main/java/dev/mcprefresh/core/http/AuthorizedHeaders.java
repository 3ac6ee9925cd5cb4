package dev.mcprefresh.core.http;

import java.net.http.HttpHeaders;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * Makes the app's header set with exactly one Authorization header, ours. A transport sends the same headers on every
 * request of a session, and {@link HttpHeaders#of} (a sorted map and a list per header) is most of what authorizing a
 * request costs, so the last result is kept and reused while the app's headers and the token stay the same.
 */
final class AuthorizedHeaders {
    private volatile Memo last;

    HttpHeaders of(HttpHeaders appHeaders, String authorization) {
        Memo m = last;
        // The token string is the same instance until a refresh; the app's headers are usually a new, equal object.
        if (m != null && m.authorization == authorization
                && (m.appHeaders == appHeaders || m.appHeaders.equals(appHeaders))) {
            return m.result;
        }
        HttpHeaders result = build(appHeaders, authorization);
        last = new Memo(appHeaders, authorization, result);
        return result;
    }

    static HttpHeaders build(HttpHeaders appHeaders, String authorization) {
        WithAuthorization map = new WithAuthorization(appHeaders.map(), authorization);
        // Every Authorization value of the app's is dropped; ours, served last, is the one kept.
        return HttpHeaders.of(map, (name, value) -> map.servingOwn || !name.equalsIgnoreCase("Authorization"));
    }

    private static final class Memo {
        final HttpHeaders appHeaders;
        final String authorization;
        final HttpHeaders result;

        Memo(HttpHeaders appHeaders, String authorization, HttpHeaders result) {
            this.appHeaders = appHeaders;
            this.authorization = authorization;
            this.result = result;
        }
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
