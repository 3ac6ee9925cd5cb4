package dev.mcprefresh.it;

import dev.mcprefresh.core.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/** Every token string a scenario saw, to prove that none of them reaches any process's output. */
final class Secrets {
    private final Set<String> values = new LinkedHashSet<>();

    void add(AuthorizationServer.Tokens tokens) {
        add(tokens.accessToken());
        add(tokens.refreshToken());
    }

    void add(String value) {
        if (value != null && value.length() >= 8) {
            values.add(value);
        }
    }

    /** Adds every token the store file holds now. */
    void addFromStore(Path store) throws IOException {
        for (Object entry : Json.object(Json.parseObject(Files.readAllBytes(store)), "servers").values()) {
            @SuppressWarnings("unchecked")
            Map<String, Object> e = (Map<String, Object>) entry;
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

    static String storedAccessToken(Path store, String serverUrl) throws IOException {
        Map<String, Object> entry = Json.object(Json.object(Json.parseObject(Files.readAllBytes(store)), "servers"),
                serverUrl);
        return (String) entry.get("access_token");
    }
}
