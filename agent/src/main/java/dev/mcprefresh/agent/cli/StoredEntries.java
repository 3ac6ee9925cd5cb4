package dev.mcprefresh.agent.cli;

import dev.mcprefresh.core.log.ServerText;
import dev.mcprefresh.core.oauth.TokenEndpointClient;
import dev.mcprefresh.core.session.ServerMatcher;
import dev.mcprefresh.core.store.Identity;
import dev.mcprefresh.core.store.StoreContents;
import dev.mcprefresh.core.store.TokenRecord;
import dev.mcprefresh.core.store.TokenStore;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * How commands find and save store entries by server URL and identity: {@code --identity} names one by subject or
 * display name; without it a server's only identity is meant. A login or add updates its own identity's entry (keeping
 * its id) and never replaces another's.
 */
final class StoredEntries {
    private StoredEntries() {
    }

    /**
     * Whose tokens a service account's entry holds: the client itself. The subject is what the minted access token
     * names when it is a JWT (read here, never sent anywhere), since an app's own token from that client names the
     * same; else the client id, which servers commonly use as a client-credentials token's subject.
     */
    static Identity serviceIdentity(TokenRecord record) {
        java.util.Map<String, Object> claims = dev.mcprefresh.core.oauth.JwtClaims.of(record.accessToken());
        String subject = dev.mcprefresh.core.oauth.JwtClaims.string(claims, "sub");
        String issuer = dev.mcprefresh.core.oauth.JwtClaims.string(claims, "iss");
        // The issuer from the server's metadata stays the one stored; the token's own is used only without it.
        return new Identity(record.issuer() != null ? record.issuer() : issuer,
                subject != null ? subject : record.clientId(), record.clientId());
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
     * Stores {@code record}, a new grant from a login or add, as its identity's entry, and returns what was stored.
     * The same user's entry on that server is updated in place (keeping its id); another user's is never touched.
     * When the server names no user, a login cannot be told from another user's: it updates the server's entry whose
     * user is unknown too, and {@code note} says so (running apps keep their own tokens until restarted, since they
     * never adopt a new grant of an unnamed user). A named user takes over the server's only unnamed entry (an entry
     * from before identities were stored). Otherwise a new entry is added beside the others.
     */
    static TokenRecord save(TokenStore store, TokenRecord record, Consumer<String> note) {
        return store.update(contents -> {
            TokenRecord existing = sameAccount(contents, record);
            if (existing == null && record.subject() != null && !record.clientCredentials()) {
                List<TokenRecord> unnamed = new ArrayList<>();
                for (TokenRecord r : contents.forServer(record.serverUrl())) {
                    if (r.subject() == null && !r.clientCredentials()) {
                        unnamed.add(r);
                    }
                }
                if (unnamed.size() == 1) {
                    existing = unnamed.get(0);
                    note.accept("this login took over the earlier entry for " + record.serverUrl()
                            + " whose user was not recorded");
                }
            } else if (existing != null && record.subject() == null) {
                note.accept("the authorization server does not say whose tokens these are, so this replaced the"
                        + " earlier entry for " + record.serverUrl() + " whose user was not named either (to keep"
                        + " several users of one server apart, give each its own --store); apps already running keep"
                        + " their own tokens until restarted");
            }
            TokenRecord toStore;
            if (existing != null) {
                TokenRecord.Builder b = record.toBuilder().id(existing.id()).newGrant(); // updated in place
                if (record.refreshIdleSeconds() == null) {
                    b.refreshIdleSeconds(existing.refreshIdleSeconds()); // the server's idle lifetime did not change
                }
                toStore = b.build();
            } else {
                // A new entry: its id comes from its server and identity, and never takes another entry's place.
                toStore = record.toBuilder().id(null).newGrant().build();
                for (int n = 2; contents.get(toStore.id()) != null; n++) {
                    toStore = record.toBuilder().id(record.toBuilder().id(null).build().id() + "-" + n).newGrant()
                            .build();
                }
            }
            contents.put(toStore);
            return toStore;
        });
    }

    /**
     * The entry {@code record} updates: a service account's is its client's on that server (whatever subject a
     * verified or an unverified add found); a user's is the same user's. Never an entry of the other kind: a service
     * account never replaces a user's grant, nor a login a service account.
     */
    private static TokenRecord sameAccount(StoreContents contents, TokenRecord record) {
        for (TokenRecord r : contents.forServer(record.serverUrl())) {
            if (r.clientCredentials() != record.clientCredentials()) {
                continue;
            }
            if (record.clientCredentials() ? r.clientId() != null && r.clientId().equals(record.clientId())
                    : r.identity().sameUser(record.identity())) {
                return r;
            }
        }
        return null;
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
        return identity.label() + (identity.issuer() != null ? " at " + ServerText.safe(identity.issuer()) : "");
    }

    static String labels(List<TokenRecord> records) {
        StringBuilder b = new StringBuilder();
        for (TokenRecord r : records) {
            b.append(b.length() == 0 ? "" : ", ").append(r.identity().label());
        }
        return b.toString();
    }
}
