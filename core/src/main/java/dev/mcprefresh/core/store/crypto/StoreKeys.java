package dev.mcprefresh.core.store.crypto;

import dev.mcprefresh.core.log.Log;
import dev.mcprefresh.core.store.StoreException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.crypto.spec.SecretKeySpec;

/**
 * The AES-256 keys that seal the token store's secrets, read from the file named by {@code mcp.refresh.store.key.file}.
 *
 * <p>Format: one key per line, each the standard base64 of 32 random bytes, as {@code openssl rand -base64 32} prints
 * it (surrounding whitespace is trimmed; blank lines and lines starting with {@code #} are ignored). The first key is
 * the current one and seals every new value; the keys after it only open values sealed with them. To rotate, put a
 * new key first and keep the old one second until every entry has been rewritten, then drop the old one.
 *
 * <p>Each key is known by an id: the first 8 hex digits of SHA-256 over {@link #ID_LABEL} followed by the key bytes,
 * so the id names a key without revealing anything usable about it. Messages name the file, line numbers and ids,
 * never a line's content. The file is read as bytes and the decoded key bytes are zeroed once the keys are built.
 * Instances are immutable and thread-safe.
 */
public final class StoreKeys {
    /** The setting that names the key file. */
    public static final String SETTING = "mcp.refresh.store.key.file";
    /** Bytes per key: AES-256. */
    static final int KEY_BYTES = 32;
    /** Hashed in front of a key's bytes to make its id. */
    static final byte[] ID_LABEL = "mcp-refresh store key id v1\n".getBytes(StandardCharsets.US_ASCII);
    /** A key file holds a few lines; anything much larger is the wrong file and is not read into memory. */
    static final long MAX_BYTES = 64 * 1024;

    private static final Set<PosixFilePermission> OTHERS = Set.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE);
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private final String currentId;
    /** Id to key, current first, in file order. */
    private final Map<String, SecretKeySpec> keys;

    private StoreKeys(Map<String, SecretKeySpec> keys) {
        this.keys = Collections.unmodifiableMap(keys);
        this.currentId = keys.keySet().iterator().next();
    }

    /**
     * Reads {@code keyFile}. Logs one warning when other users can read or change it (POSIX only).
     *
     * @throws StoreException when the file is missing or unreadable, holds no key, a line that is not a key, or the
     *     same key twice; the message names the file and line, never what it holds
     */
    public static StoreKeys read(Path keyFile) {
        byte[] content = load(keyFile);
        try {
            warnIfOthersCanAccess(keyFile);
            return parse(keyFile, content);
        } finally {
            Arrays.fill(content, (byte) 0);
        }
    }

    /** The id of the key that seals new values. */
    public String currentId() {
        return currentId;
    }

    /** Every key's id, the current one first, in file order. */
    public List<String> ids() {
        return List.copyOf(keys.keySet());
    }

    /** The key that seals new values. */
    SecretKeySpec current() {
        return keys.get(currentId);
    }

    /** The key with {@code id}, or null when the file does not hold it. */
    SecretKeySpec key(String id) {
        return keys.get(id);
    }

    @Override
    public String toString() {
        return "StoreKeys" + ids();
    }

    private static byte[] load(Path keyFile) {
        try {
            if (Files.isDirectory(keyFile)) {
                throw new StoreException("key file " + keyFile + " is a directory, not a file");
            }
            long size = Files.size(keyFile);
            if (size > MAX_BYTES) {
                throw new StoreException("key file " + keyFile + " is " + size + " bytes, too large for a key file"
                        + " (is " + SETTING + " naming the right file?)");
            }
            return Files.readAllBytes(keyFile);
        } catch (NoSuchFileException e) {
            throw new StoreException("key file " + keyFile + " (" + SETTING + ") does not exist (make one with:"
                    + " umask 077; openssl rand -base64 32 > " + keyFile + ")");
        } catch (AccessDeniedException e) {
            throw new StoreException("key file " + keyFile + " cannot be read by this process (permission denied)");
        } catch (IOException e) {
            // The exception's message may quote the path only, but name the type alone to be sure.
            throw new StoreException("key file " + keyFile + " cannot be read (" + e.getClass().getName() + ")");
        }
    }

    private static void warnIfOthersCanAccess(Path keyFile) {
        try {
            Set<PosixFilePermission> mode = Files.getPosixFilePermissions(keyFile);
            if (!Collections.disjoint(mode, OTHERS)) {
                Log.warn("key file " + keyFile + " can be accessed by other users (mode "
                        + PosixFilePermissions.toString(mode) + "), who can then read every sealed token;"
                        + " fix it with: chmod 600 " + keyFile);
            }
        } catch (IOException | UnsupportedOperationException e) {
            // No POSIX attributes (Windows), or the file vanished after reading: nothing to say.
        }
    }

    private static StoreKeys parse(Path keyFile, byte[] content) {
        Map<String, SecretKeySpec> keys = new LinkedHashMap<>();
        List<byte[]> decoded = new ArrayList<>();
        List<Integer> lineOf = new ArrayList<>();
        Map<String, Integer> lineOfId = new LinkedHashMap<>();
        try {
            int pos = startsWithBom(content) ? 3 : 0;
            int lineNo = 0;
            while (pos < content.length) {
                lineNo++;
                int end = pos;
                while (end < content.length && content[end] != '\n') {
                    end++;
                }
                int next = end + 1;
                int s = pos;
                int e = end;
                while (s < e && isSpace(content[s])) {
                    s++;
                }
                while (e > s && isSpace(content[e - 1])) {
                    e--;
                }
                pos = next;
                if (s == e || content[s] == '#') {
                    continue;
                }
                byte[] key = decodeKey(keyFile, lineNo, content, s, e);
                for (int i = 0; i < decoded.size(); i++) {
                    if (MessageDigest.isEqual(decoded.get(i), key)) {
                        Arrays.fill(key, (byte) 0);
                        throw new StoreException("key file " + keyFile + ": line " + lineNo + " repeats the key on line "
                                + lineOf.get(i) + " (keep each key once, the current one first)");
                    }
                }
                decoded.add(key);
                lineOf.add(lineNo);
                String id = id(key);
                if (keys.containsKey(id)) {
                    // Two different keys whose 32-bit ids collide: vanishingly unlikely, but ids must name one key.
                    throw new StoreException("key file " + keyFile + ": the keys on lines "
                            + lineOfId.get(id) + " and " + lineNo
                            + " have the same id " + id + "; replace the newer one (openssl rand -base64 32)");
                }
                lineOfId.put(id, lineNo);
                keys.put(id, new SecretKeySpec(key, "AES"));
            }
            if (keys.isEmpty()) {
                throw new StoreException("key file " + keyFile + " holds no key (add one line made with:"
                        + " openssl rand -base64 32)");
            }
            return new StoreKeys(keys);
        } finally {
            for (byte[] key : decoded) {
                Arrays.fill(key, (byte) 0);
            }
        }
    }

    private static byte[] decodeKey(Path keyFile, int lineNo, byte[] content, int start, int end) {
        byte[] text = Arrays.copyOfRange(content, start, end);
        byte[] key;
        try {
            key = Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            // The decoder's message quotes the offending character: it is not passed on.
            throw notAKey(keyFile, lineNo, "");
        } finally {
            Arrays.fill(text, (byte) 0);
        }
        if (key.length != KEY_BYTES) {
            int length = key.length;
            Arrays.fill(key, (byte) 0);
            throw notAKey(keyFile, lineNo, "it decodes to " + length + " bytes; ");
        }
        return key;
    }

    private static StoreException notAKey(Path keyFile, int lineNo, String detail) {
        return new StoreException("key file " + keyFile + ": line " + lineNo + " is not base64 of " + KEY_BYTES
                + " bytes (" + detail + "make one with: openssl rand -base64 32)");
    }

    /** First 8 hex digits of SHA-256(ID_LABEL || key). */
    static String id(byte[] key) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(ID_LABEL);
            byte[] digest = sha.digest(key);
            char[] out = new char[8];
            for (int i = 0; i < 4; i++) {
                out[2 * i] = HEX[(digest[i] >> 4) & 0xf];
                out[2 * i + 1] = HEX[digest[i] & 0xf];
            }
            return new String(out);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private static boolean startsWithBom(byte[] b) {
        return b.length >= 3 && (b[0] & 0xff) == 0xef && (b[1] & 0xff) == 0xbb && (b[2] & 0xff) == 0xbf;
    }

    private static boolean isSpace(byte b) {
        return b == ' ' || b == '\t' || b == '\r' || b == '\f' || b == 0x0b;
    }
}
