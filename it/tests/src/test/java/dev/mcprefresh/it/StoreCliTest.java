package dev.mcprefresh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI's store commands on a real PostgreSQL, as an operator runs them: a file store moved into the database
 * ({@code store copy --move}) and the key rotated ({@code store rekey} between the README's key-file steps). No
 * command prints a secret; {@code add --no-verify} seeds without an authorization server.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StoreCliTest {
    private static final String MCP = "https://mcp.example.com/mcp";
    private static final String REFRESH_TOKEN = "rt-store-cli-" + Long.toHexString(new SecureRandom().nextLong());

    @TempDir
    Path work;
    private PostgresServer pg;
    private String url;
    private List<String> dbOptions;
    private Path keyFile;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        pg = PostgresServer.start();
        pg.createUser("operator", "operator-pw");
        pg.createDatabase("fleet", "operator");
        url = pg.url("fleet");
        Path password = secretFile(dir.resolve("db-password"), "operator-pw\n");
        keyFile = dir.resolve("store-key");
        secretFile(keyFile, newKey() + "\n");
        dbOptions = List.of("-Dmcp.refresh.store.user=operator", "-Dmcp.refresh.store.password.file=" + password,
                "-Dmcp.refresh.store.key.file=" + keyFile);
    }

    @AfterAll
    void stop() {
        if (pg != null) {
            pg.close();
        }
    }

    @Test
    void aFileStoreMovesIntoTheDatabaseAndTheKeyRotates() throws Exception {
        Path fileStore = work.resolve("home/.mcp-refresh/tokens.json");
        Path rt = secretFile(work.resolve("rt"), REFRESH_TOKEN);
        AgentCli.Result add = cli(List.of(), "add", MCP, "--client-id", "app", "--refresh-token-file", rt.toString(),
                "--token-endpoint", "https://as.example.com/token", "--no-verify", "--store", fileStore.toString());
        assertEquals(0, add.exitCode(), add.output());

        AgentCli.Result move = cli(dbOptions, "store", "copy", "--from", fileStore.toString(), "--to", url, "--move");
        assertEquals(0, move.exitCode(), move.output());
        assertTrue(move.output().contains("1 entry moved"), move.output());
        assertTrue(cli(List.of(), "status", "--store", fileStore.toString()).output().contains("no servers stored"),
                "moved, not copied: the file no longer holds the refresh token");
        AgentCli.Result status = cli(dbOptions, "status", "--store", url);
        assertTrue(status.output().contains(MCP) && status.output().contains("AES-256-GCM"), status.output());
        String oldId = keyId(status.output());
        assertTrue(sealedWith(oldId), "sealed with the first key");

        // The README's rotation: the new key second everywhere, then first; rekey; then the old line goes.
        String oldKey = Files.readString(keyFile).strip();
        String newKey = newKey();
        Files.writeString(keyFile, oldKey + "\n" + newKey + "\n");
        assertEquals(oldId, keyId(cli(dbOptions, "status", "--store", url).output()), "still sealing with the old");
        Files.writeString(keyFile, newKey + "\n" + oldKey + "\n");
        AgentCli.Result rekey = cli(dbOptions, "store", "rekey", "--store", url);
        assertEquals(0, rekey.exitCode(), rekey.output());
        assertTrue(rekey.output().contains("1 entry"), rekey.output());
        String newId = keyId(rekey.output());
        assertFalse(newId.equals(oldId));
        assertTrue(sealedWith(newId) && !sealedWith(oldId), "every value rewritten under the new key");
        Files.writeString(keyFile, newKey + "\n");
        AgentCli.Result after = cli(dbOptions, "status", "--store", url);
        assertEquals(0, after.exitCode(), after.output());
        assertTrue(after.output().contains(MCP), "read with the new key alone: " + after.output());

        for (AgentCli.Result r : List.of(add, move, status, rekey, after)) {
            assertFalse(r.output().contains(REFRESH_TOKEN), "no command prints the refresh token");
        }
        assertFalse(pg.pgDump("fleet").contains(REFRESH_TOKEN), "nor does the database hold it in clear");
    }

    @Test
    void aStoreThatEncryptsNothingHasNothingToRekey() throws Exception {
        AgentCli.Result r = cli(List.of(), "store", "rekey", "--store", work.resolve("t.json").toString());
        assertEquals(1, r.exitCode(), r.output());
        assertTrue(r.output().contains("nothing to rewrite"), r.output());
    }

    private AgentCli.Result cli(List<String> options, String... args) throws Exception {
        List<String> jvm = new ArrayList<>(options);
        jvm.add("-Duser.home=" + work.resolve("home"));
        return AgentCli.run(work, ItEnv.agentJar(), jvm, args);
    }

    /** The key id in a "secrets: AES-256-GCM, key 1a2b3c4d" line. */
    private static String keyId(String output) {
        int at = output.indexOf("AES-256-GCM, key ");
        assertTrue(at >= 0, output);
        return output.substring(at + "AES-256-GCM, key ".length(), at + "AES-256-GCM, key ".length() + 8);
    }

    private boolean sealedWith(String keyId) throws Exception {
        return pg.sql("fleet", "SELECT count(*) FROM mcp_refresh_entries WHERE record LIKE '%\"v1." + keyId + ".%'")
                .strip().equals("1");
    }

    private static String newKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    private static Path secretFile(Path file, String content) throws Exception {
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }
}
