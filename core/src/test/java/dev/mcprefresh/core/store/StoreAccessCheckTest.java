package dev.mcprefresh.core.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mcprefresh.core.LogCapture;
import dev.mcprefresh.core.log.Log;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreAccessCheckTest {
    @TempDir
    Path dir;
    private Path storeDir;
    private Path file;
    private UserPrincipal me;

    @BeforeEach
    void privateStore() throws Exception {
        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"), "POSIX file modes only");
        storeDir = dir.resolve("store");
        file = storeDir.resolve("tokens.json");
        new FileTokenStore(file, Duration.ofSeconds(5)).update(c -> {
            c.put(TokenRecord.builder("https://mcp.example/mcp").accessToken("at").refreshToken("rt")
                    .updatedAt(Instant.now()).build());
            return null;
        });
        me = StoreAccessCheck.processUser(file);
    }

    @Test
    void aPrivateStoreOfOurOwnRaisesNothing() {
        assertEquals(List.of(), StoreAccessCheck.problems(file, me));
    }

    @Test
    void aStoreOtherUsersCanReadIsNamedWithTheFix() throws Exception {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        List<String> p = StoreAccessCheck.problems(file, me);
        assertEquals(1, p.size(), p.toString());
        assertTrue(p.get(0).contains("rw-r--r--") && p.get(0).contains("chmod 600 " + file), p.get(0));
    }

    @Test
    void aStoreWithNoPermissionsAtAllIsNoErrorOfTheCheck() throws Exception {
        // Mode 000 (root still reads it): the check itself threw here once (EnumSet.copyOf of an empty set).
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("---------"));
        assertEquals(List.of(), StoreAccessCheck.problems(file, me));
    }

    @Test
    void aStoreOwnedBySomeoneElseIsNamed() throws Exception {
        UserPrincipal other = file.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
        List<String> p = StoreAccessCheck.problems(file, other);
        assertEquals(1, p.size(), p.toString());
        assertTrue(p.get(0).contains("belongs to " + me.getName() + ", not to nobody"), p.get(0));
    }

    @Test
    void aDirectoryOthersCanWriteIsNamed() throws Exception {
        Files.setPosixFilePermissions(storeDir, PosixFilePermissions.fromString("rwxrwxrwx"));
        List<String> p = StoreAccessCheck.problems(file, me);
        assertEquals(1, p.size(), p.toString());
        assertTrue(p.get(0).contains("writable by other users") && p.get(0).contains("chmod 700 " + storeDir), p.get(0));
    }

    @Test
    void theStoreWarnsOnceAndItsNextWriteMakesTheFilePrivateAgain() throws Exception {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw-rw-"));
        TokenStore store = new FileTokenStore(file, Duration.ofSeconds(5));
        try (LogCapture log = new LogCapture(Log.Level.INFO)) {
            store.read();
            store.read();
            assertEquals(1, log.lines("WARN").size(), log.text());
        }
        store.update(c -> {
            c.put(c.soleEntry("https://mcp.example/mcp").toBuilder().accessToken("at2").build());
            return null;
        });
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    }
}
