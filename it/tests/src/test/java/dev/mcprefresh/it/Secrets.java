package dev.mcprefresh.it;

import dev.mcprefresh.core.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Every token string a scenario saw, to prove that none of them reaches any process's output. */
final class Secrets {
    private final Set<String> values = new LinkedHashSet<>();

    void add(AuthorizationServer.Tokens tokens) {
        add(tokens.accessToken());
        add(tokens.refreshToken());
        add(tokens.idToken());
    }

    void add(String value) {
        if (value != null && value.length() >= 8) {
            values.add(value);
        }
    }

    /** Adds every token the store file holds now (format 1 or 2). */
    void addFromStore(Path store) throws IOException {
        for (Map<String, Object> e : storeEntries(store)) {
            add((String) e.get("access_token"));
            add((String) e.get("refresh_token"));
            add((String) e.get("client_secret"));
        }
    }

    void assertNotIn(String what, String output) {
        for (String v : values) {
            if (output.contains(v)) {
                throw new AssertionError(what + " printed a token or secret (" + v.length() + " chars, starting "
                        + v.substring(0, 3) + "...)");
            }
        }
    }

    int size() {
        return values.size();
    }

    /**
     * The store's entries, each with its MCP server URL as {@code server_url}. Format 2:
     * {@code {"format":2,"entries":{"<id>":{"server_url":...,"issuer":...,"subject":...,<token fields>}}}};
     * format 1: {@code {"format":1,"servers":{"<url>":{<token fields>}}}} (the URL is the key).
     */
    static List<Map<String, Object>> storeEntries(Path store) throws IOException {
        Map<String, Object> root = Json.parseObject(Files.readAllBytes(store));
        List<Map<String, Object>> entries = new ArrayList<>();
        Map<String, Object> v2 = Json.object(root, "entries");
        if (v2 != null) {
            for (Object e : v2.values()) {
                entries.add(asObject(e));
            }
        }
        Map<String, Object> v1 = Json.object(root, "servers");
        if (v1 != null) {
            v1.forEach((url, e) -> {
                Map<String, Object> entry = new LinkedHashMap<>(asObject(e));
                entry.putIfAbsent("server_url", url);
                entries.add(entry);
            });
        }
        return entries;
    }

    /** The access token of the (only) entry for {@code serverUrl}. */
    static String storedAccessToken(Path store, String serverUrl) throws IOException {
        return storedAccessToken(store, serverUrl, null);
    }

    /** The access token of the entry for {@code serverUrl} and user {@code subject} (null: the only entry). */
    static String storedAccessToken(Path store, String serverUrl, String subject) throws IOException {
        List<Map<String, Object>> found = new ArrayList<>();
        for (Map<String, Object> e : storeEntries(store)) {
            if (serverUrl.equals(e.get("server_url")) && (subject == null || subject.equals(e.get("subject")))) {
                found.add(e);
            }
        }
        if (found.size() != 1) {
            throw new AssertionError(found.size() + " store entries for " + serverUrl
                    + (subject == null ? "" : " and subject " + subject) + " (expected one)");
        }
        return (String) found.get(0).get("access_token");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asObject(Object entry) {
        if (!(entry instanceof Map)) {
            throw new AssertionError("a store entry is not an object");
        }
        return (Map<String, Object>) entry;
    }
}
