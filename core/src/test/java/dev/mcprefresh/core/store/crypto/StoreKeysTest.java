package dev.mcprefresh.core.store.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mcprefresh.core.LogCapture;
import dev.mcprefresh.core.log.Log;
import dev.mcprefresh.core.store.StoreException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreKeysTest {
    private static final SecureRandom RANDOM = new SecureRandom();

    @TempDir
    Path dir;

    /** Every key text written by a test: no message may ever contain one, nor a recognisable part of one. */
    private final List<String> secrets = new ArrayList<>();
    /** Every StoreException message and log line seen. */
    private final List<String> said = new ArrayList<>();

    /** A key as {@code openssl rand -base64 32} prints it. */
    private String newKey() {
        return remember(Base64.getEncoder().encodeToString(bytes(32)));
    }

    private String remember(String keyText) {
        secrets.add(keyText);
        return keyText;
    }

    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    static boolean posix() {
        return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    }

    /** A key file with {@code content}, private where the platform has modes. */
    private Path keyFile(String content) throws Exception {
        Path file = Files.createTempFile(dir, "store", ".key");
        Files.writeString(file, content, StandardCharsets.UTF_8);
        if (posix()) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        }
        return file;
    }

    private String failure(Path file) {
        StoreException e = assertThrows(StoreException.class, () -> StoreKeys.read(file));
        said.add(e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
        return e.getMessage();
    }

    @AfterEach
    void nothingSaidHoldsKeyMaterial() {
        for (String text : said) {
            for (String secret : secrets) {
                // The whole key, and any 8-character run of it (a truncated echo would still leak).
                for (int i = 0; i + 8 <= secret.length(); i++) {
                    assertFalse(text.contains(secret.substring(i, i + 8)), "key text in: " + text);
                }
            }
        }
    }

    @Test
    void theFirstKeyIsCurrentAndTheOthersFollowInFileOrder() throws Exception {
        String b = newKey();
        String a = newKey();
        StoreKeys keys = StoreKeys.read(keyFile(b + "\n" + a + "\n"));
        assertEquals(StoreKeys.id(Base64.getDecoder().decode(b)), keys.currentId());
        assertEquals(List.of(keys.currentId(), StoreKeys.id(Base64.getDecoder().decode(a))), keys.ids());
        assertEquals(keys.key(keys.currentId()), keys.current());
        assertEquals("AES", keys.current().getAlgorithm());
        assertTrue(MessageDigest.isEqual(Base64.getDecoder().decode(b), keys.current().getEncoded()));
        assertTrue(MessageDigest.isEqual(Base64.getDecoder().decode(a), keys.key(keys.ids().get(1)).getEncoded()));
        String absent = keys.ids().contains("00000000") || keys.ids().contains("ffffffff") ? "0f0f0f0f" : "00000000";
        assertEquals(null, keys.key(absent));
        said.add(keys.toString());
    }

    @Test
    void commentsBlankLinesSurroundingWhitespaceCrlfAndABomAreAccepted() throws Exception {
        String b = newKey();
        String a = newKey();
        String unpadded = a.substring(0, a.length() - 1);
        StoreKeys keys = StoreKeys.read(keyFile("\uFEFF# current key\r\n\r\n   " + b + " \t\r\n  # old key, drop after"
                + " the rewrite\r\n" + unpadded));
        assertEquals(2, keys.ids().size(), keys.toString());
        assertEquals(StoreKeys.id(Base64.getDecoder().decode(b)), keys.currentId());
        assertEquals(StoreKeys.id(Base64.getDecoder().decode(a)), keys.ids().get(1));
    }

    @Test
    void theIdIsAShortHashOfALabelAndTheKeyNotTheKeyItself() throws Exception {
        byte[] key = bytes(32);
        String text = remember(Base64.getEncoder().encodeToString(key));
        String id = StoreKeys.read(keyFile(text)).currentId();
        assertTrue(id.matches("[0-9a-f]{8}"), id);
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        sha.update("mcp-refresh store key id v1\n".getBytes(StandardCharsets.US_ASCII));
        assertEquals(HexFormat.of().formatHex(sha.digest(key)).substring(0, 8), id);
        assertNotEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key)).substring(0, 8), id,
                "the label is hashed in");
        assertEquals(id, StoreKeys.read(keyFile("# same key, other file\n" + text + "\n")).currentId(), "stable");
    }

    @Test
    void aMissingFileNamesTheSettingAndHowToMakeOne() {
        Path missing = dir.resolve("nope.key");
        String m = failure(missing);
        assertEquals("key file " + missing + " (mcp.refresh.store.key.file) does not exist (make one with: umask 077;"
                + " openssl rand -base64 32 > " + missing + ")", m);
    }

    @Test
    void aDirectoryIsNotAKeyFile() {
        assertEquals("key file " + dir + " is a directory, not a file", failure(dir));
    }

    @Test
    void anUnreadableFileSaysSo() throws Exception {
        assumeTrue(posix(), "POSIX file modes only");
        Path file = keyFile(newKey() + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("---------"));
        assumeFalse(Files.isReadable(file), "root reads any file");
        assertEquals("key file " + file + " cannot be read by this process (permission denied)", failure(file));
    }

    @Test
    void anEmptyFileOrOneOfOnlyCommentsHoldsNoKey() throws Exception {
        for (String content : List.of("", "\n\n", "# the key goes here\n   \n  # " + newKey() + "\n")) {
            Path file = keyFile(content);
            assertEquals("key file " + file + " holds no key (add one line made with: openssl rand -base64 32)",
                    failure(file));
        }
    }

    @Test
    void aLineThatIsNotBase64NamesItsLineOnly() throws Exception {
        String good = newKey();
        String[] bad = {
            remember(good.substring(0, 20) + "!" + good.substring(21)), // not a base64 character
            remember(good + good), // two keys on one line: padding in the middle
            remember("-_" + Base64.getUrlEncoder().encodeToString(bytes(32)).substring(2)), // base64url, not base64
            remember(good.substring(0, 22) + " " + good.substring(22)), // space inside
        };
        for (String line : bad) {
            Path file = keyFile("# comment\n" + good + "\n\n" + line + "\n");
            String m = failure(file);
            assertTrue(m.startsWith("key file " + file + ": line 4 is not base64 of 32 bytes ("), m);
            assertTrue(m.endsWith("make one with: openssl rand -base64 32)"), m);
        }
    }

    @Test
    void keysOfTheWrongLengthAreRefusedWithTheirLength() throws Exception {
        for (int n : new int[] {16, 24, 31, 33, 64}) {
            Path file = keyFile(remember(Base64.getEncoder().encodeToString(bytes(n))) + "\n");
            assertEquals("key file " + file + ": line 1 is not base64 of 32 bytes (it decodes to " + n
                    + " bytes; make one with: openssl rand -base64 32)", failure(file));
        }
    }

    @Test
    void aRepeatedKeyNamesBothLines() throws Exception {
        String a = newKey();
        String b = newKey();
        Path file = keyFile(a + "\n" + b + "\n# again\n  " + a + "\n");
        assertEquals("key file " + file + ": line 4 repeats the key on line 1 (keep each key once, the current one"
                + " first)", failure(file));
        // The same key written without its padding is still the same key.
        Path unpadded = keyFile(b + "\n" + b.substring(0, b.length() - 1) + "\n");
        assertTrue(failure(unpadded).contains(": line 2 repeats the key on line 1"));
    }

    @Test
    void aHugeFileIsNotRead() throws Exception {
        Path file = keyFile("#".repeat(70_000));
        assertTrue(failure(file).contains("is 70000 bytes, too large for a key file"));
    }

    @Test
    void aKeyFileOthersCanAccessWarnsOnceWithTheFix() throws Exception {
        assumeTrue(posix(), "POSIX file modes only");
        Path file = keyFile(newKey() + "\n" + newKey() + "\n");
        for (String mode : List.of("rw-r-----", "rw----r--", "rw--w----", "rw-rw-rw-")) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
            try (LogCapture log = new LogCapture(Log.Level.INFO)) {
                StoreKeys.read(file);
                said.add(log.text());
                assertEquals(1, log.lines().size(), log.text());
                String line = log.lines("WARN").get(0);
                assertTrue(line.contains("key file " + file + " can be accessed by other users (mode " + mode + ")"),
                        line);
                assertTrue(line.endsWith("; fix it with: chmod 600 " + file), line);
            }
        }
    }

    @Test
    void aPrivateKeyFileWarnsNothing() throws Exception {
        assumeTrue(posix(), "POSIX file modes only");
        Path file = keyFile(newKey() + "\n");
        for (String mode : List.of("rw-------", "r--------", "rwx--x--x")) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
            try (LogCapture log = new LogCapture(Log.Level.DEBUG)) {
                StoreKeys.read(file);
                assertEquals("", log.text(), mode);
            }
        }
    }
}
