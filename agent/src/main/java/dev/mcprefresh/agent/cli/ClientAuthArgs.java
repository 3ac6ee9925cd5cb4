package dev.mcprefresh.agent.cli;

import dev.mcprefresh.core.store.ClientKey;
import dev.mcprefresh.core.store.TokenRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/**
 * How the client authenticates at the token endpoint, from {@code --client-secret-file}, {@code --private-key-file}
 * (with {@code --key-id}, {@code --signing-alg}, {@code --assertion-audience}) and {@code --auth-method}: checked
 * together, so that a command never stores a method its credentials cannot serve.
 */
final class ClientAuthArgs {
    static final Set<String> OPTIONS = Set.of("client-secret-file", "private-key-file", "key-id", "signing-alg",
            "assertion-audience", "auth-method");

    final String secret;
    final String method;
    final ClientKey key;

    private ClientAuthArgs(String secret, String method, ClientKey key) {
        this.secret = secret;
        this.method = method;
        this.key = key;
    }

    /** {@code warn}: where a key file's loose permissions are said (the key is loaded now, to refuse a bad one). */
    static ClientAuthArgs parse(Args a, java.util.function.Consumer<String> warn) {
        if (a.has("client-secret-file") && a.has("private-key-file")) {
            throw new Args.UsageException("--client-secret-file and --private-key-file exclude each other");
        }
        String method = a.get("auth-method");
        if (method != null && !TokenRecord.AUTH_METHODS.contains(method)) {
            throw new Args.UsageException("--auth-method must be none, client_secret_basic, client_secret_post or"
                    + " private_key_jwt");
        }
        for (String keyOption : new String[] {"key-id", "signing-alg", "assertion-audience"}) {
            if (a.has(keyOption) && !a.has("private-key-file")) {
                throw new Args.UsageException("--" + keyOption + " needs --private-key-file");
            }
        }
        ClientKey key = null;
        if (a.has("private-key-file")) {
            if (method != null && !method.equals(TokenRecord.AUTH_PRIVATE_KEY_JWT)) {
                throw new Args.UsageException("--private-key-file authenticates with private_key_jwt, not " + method);
            }
            Path file = Path.of(a.get("private-key-file")).toAbsolutePath().normalize();
            if (!Files.isReadable(file)) {
                throw new Args.UsageException("cannot read the private key file " + file);
            }
            if (a.has("assertion-audience")) {
                CliInputs.httpUrl(a.get("assertion-audience"), "--assertion-audience");
            }
            String alg = a.get("signing-alg");
            if (alg != null && !ClientKey.ALGORITHMS.contains(alg)) {
                throw new Args.UsageException("--signing-alg must be RS256, PS256 or ES256");
            }
            try {
                dev.mcprefresh.core.oauth.SigningKey.load(file, alg, a.get("key-id"), warn); // refused now, not at a mint
            } catch (dev.mcprefresh.core.oauth.KeyFileException e) {
                throw new Args.UsageException(e.getMessage());
            }
            // The store keeps the path (absolute: the agent runs elsewhere), never the key.
            key = new ClientKey(file.toString(), a.get("key-id"), alg, a.get("assertion-audience"));
            method = TokenRecord.AUTH_PRIVATE_KEY_JWT;
        } else if (TokenRecord.AUTH_PRIVATE_KEY_JWT.equals(method)) {
            throw new Args.UsageException("--auth-method private_key_jwt needs --private-key-file");
        }
        String secret = a.has("client-secret-file") ? CliInputs.readSecret(a.get("client-secret-file"), "client secret")
                : null;
        if (method != null && (method.equals(TokenRecord.AUTH_BASIC) || method.equals(TokenRecord.AUTH_POST))
                && secret == null) {
            throw new Args.UsageException("--auth-method " + method + " needs --client-secret-file");
        }
        return new ClientAuthArgs(secret, method, key);
    }

    /** Whether the client can prove who it is (a confidential client): client credentials require it. */
    boolean confidential() {
        return secret != null && !TokenRecord.AUTH_NONE.equals(method) || key != null;
    }

    TokenRecord.Builder applyTo(TokenRecord.Builder b) {
        return b.clientSecret(secret).authMethod(method).clientKey(key);
    }
}
