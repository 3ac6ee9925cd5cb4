package dev.mcprefresh.agent.cli;

import dev.mcprefresh.core.oauth.TokenEndpointClient;
import dev.mcprefresh.core.session.ServerMatcher;
import dev.mcprefresh.core.store.Identity;
import dev.mcprefresh.core.store.StoreContents;
import dev.mcprefresh.core.store.TokenRecord;
import dev.mcprefresh.core.store.TokenStore;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * How commands find and save store entries by server URL and identity: {@code --identity} names one by subject or
 * display name; without it a server's only identity is meant. A login or add updates its own identity's entry (keeping
 * its id) and never replaces another's.
 */
final class StoredEntries {
    private StoredEntries() {
    }

    /** The entry of {@code url} for {@code identity} (null: the only one), or null when the store has none. */
    static TokenRecord pick(StoreContents contents, String url, String identity, String command) {
        List<TokenRecord> all = contents.forServer(url);
        List<TokenRecord> chosen = new ArrayList<>();
        for (TokenRecord r : all) {
            if (identity == null || identity.equals(r.subject()) || identity.equals(r.identity().displayName())
                    || identity.equals(r.identity().label())) {
                chosen.add(r);
            }
        }
        if (chosen.size() > 1) {
            throw new Args.UsageException(url + " has " + chosen.size() + " stored identities (" + labels(chosen)
                    + "): name one with --identity, e.g. " + command + " " + url + " --identity "
                    + (chosen.get(0).subject() != null ? chosen.get(0).subject() : "..."));
        }
        return chosen.isEmpty() ? null : chosen.get(0);
    }

    /**
     * Stores {@code record} as its identity's entry: the existing entry of the same user on that server keeps its id
     * and is updated; otherwise a new entry is added beside the others. Returns what was stored.
     */
    static TokenRecord save(TokenStore store, TokenRecord record) {
        return store.update(contents -> {
            TokenRecord existing = contents.find(record.serverUrl(), record.identity());
            TokenRecord toStore;
            if (existing != null) {
                toStore = record.toBuilder().id(existing.id()).build(); // the same user's entry, updated in place
            } else {
                // A new entry: its id comes from its server and identity, and never takes another entry's place.
                toStore = record.toBuilder().id(null).build();
                for (int n = 2; contents.get(toStore.id()) != null; n++) {
                    toStore = record.toBuilder().id(record.toBuilder().id(null).build().id() + "-" + n).build();
                }
            }
            contents.put(toStore);
            return toStore;
        });
    }

    /**
     * {@code record} with its subject, when the token response did not name it and the authorization server tells
     * by introspecting the refresh token at the token endpoint's own server.
     */
    static TokenRecord withIdentity(TokenRecord record, String introspectionEndpoint, TokenEndpointClient tokens) {
        if (record.subject() != null || introspectionEndpoint == null || record.refreshToken() == null
                || record.tokenEndpoint() == null
                || !ServerMatcher.sameOrigin(URI.create(introspectionEndpoint), record.tokenEndpoint())) {
            return record;
        }
        Identity found = tokens.refreshTokenIdentity(record, URI.create(introspectionEndpoint));
        if (found.subject() == null) {
            return record;
        }
        return record.toBuilder().subject(found.subject()).displayName(found.displayName())
                .issuer(record.issuer() != null ? record.issuer() : found.issuer()).build();
    }

    /** What the entry's identity is, for output: never a token. */
    static String describe(Identity identity) {
        return identity.label() + (identity.issuer() != null ? " at " + identity.issuer() : "");
    }

    static String labels(List<TokenRecord> records) {
        StringBuilder b = new StringBuilder();
        for (TokenRecord r : records) {
            b.append(b.length() == 0 ? "" : ", ").append(r.identity().label());
        }
        return b.toString();
    }
}
