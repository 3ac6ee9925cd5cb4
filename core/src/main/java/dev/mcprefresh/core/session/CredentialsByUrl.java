package dev.mcprefresh.core.session;

import dev.mcprefresh.core.log.Log;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The store entry for each request URL, for clients whose server is known only per request (a WebClient filter, an
 * OkHttp interceptor). The store is read once per URL (query ignored); later requests cost a map lookup.
 */
public final class CredentialsByUrl {
    private static final int MAX_URLS = 1024;

    private final CredentialsRegistry registry;
    private final String client;
    private final Map<String, Optional<Credentials>> byUrl = new ConcurrentHashMap<>();

    /** {@code client} names the kind of client in the one line said when a URL gets its entry. */
    public CredentialsByUrl(CredentialsRegistry registry, String client) {
        this.registry = registry;
        this.client = client;
    }

    /** The credentials for requests to {@code url}, or null when the store has no entry for it. */
    public Credentials find(URI url) {
        String key = url.getScheme() + "://" + url.getRawAuthority() + url.getRawPath();
        Optional<Credentials> found = byUrl.get(key);
        if (found == null) {
            found = Optional.ofNullable(registry.find(url));
            if (byUrl.size() < MAX_URLS) {
                byUrl.put(key, found);
            }
            if (found.isPresent()) {
                Log.info(client + " requests to " + key + " take their tokens from the store entry "
                        + found.get().serverUrl());
            }
        }
        return found.orElse(null);
    }
}
