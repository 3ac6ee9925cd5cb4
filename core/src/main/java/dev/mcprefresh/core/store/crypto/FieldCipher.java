package dev.mcprefresh.core.store.crypto;

import dev.mcprefresh.core.store.StoreException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals single store fields (access token, refresh token, client secret) with AES-256-GCM under the {@link StoreKeys}.
 *
 * <p>Sealed format, all ASCII: {@code v1.<kid>.<payload>} where {@code kid} is the 8 lowercase hex digit id of the
 * key and {@code payload} is unpadded base64url of {@code nonce(12) || ciphertext || tag(16)}. The nonce is fresh
 * random bytes for every value. The GCM associated data is the 12-character header {@code v1.<kid>.} followed by the
 * UTF-8 bytes of the caller's associated data (the store passes the entry id and the field name): a value does not
 * open under another entry or field, nor once relabelled to another key or format version. The header has a fixed
 * length, so the concatenation is unambiguous.
 *
 * <p>Failures are {@link StoreException}s whose messages name a key id at most, never plaintext, ciphertext or key
 * bytes. Thread-safe: each call uses its own {@link Cipher}.
 */
public final class FieldCipher {
    static final String PREFIX = "v1.";
    static final int KID_CHARS = 8;
    /** {@code v1.} + kid + {@code .} */
    static final int HEADER_CHARS = PREFIX.length() + KID_CHARS + 1;
    static final int NONCE_BYTES = 12;
    static final int TAG_BYTES = 16;
    /** Base64 characters (unpadded) of the shortest payload: nonce and tag around an empty plaintext. */
    private static final int MIN_PAYLOAD_CHARS = base64Chars(NONCE_BYTES + TAG_BYTES);
    private static final String TRANSFORMATION = "AES/GCM/NoPadding";
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    private final StoreKeys keys;
    private final SecureRandom random;

    public FieldCipher(StoreKeys keys) {
        this(keys, new SecureRandom());
    }

    /** With a given source of nonces, for tests. */
    FieldCipher(StoreKeys keys, SecureRandom random) {
        this.keys = Objects.requireNonNull(keys, "keys");
        this.random = Objects.requireNonNull(random, "random");
    }

    /** The id of the key new values are sealed with. */
    public String currentKeyId() {
        return keys.currentId();
    }

    /**
     * Seals {@code plaintext} under the current key, bound to {@code associated}.
     *
     * @throws StoreException when the plaintext is not well-formed Unicode (a lone surrogate), or AES-GCM fails
     */
    public String seal(String plaintext, String associated) {
        Objects.requireNonNull(plaintext, "plaintext");
        Objects.requireNonNull(associated, "associated");
        String kid = keys.currentId();
        String header = PREFIX + kid + ".";
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        byte[] in = utf8(plaintext);
        byte[] out = new byte[NONCE_BYTES + in.length + TAG_BYTES];
        System.arraycopy(nonce, 0, out, 0, NONCE_BYTES);
        try {
            Cipher cipher = Cipher.getInstance(TRANSFORMATION);
            cipher.init(Cipher.ENCRYPT_MODE, keys.current(), new GCMParameterSpec(TAG_BYTES * 8, nonce));
            cipher.updateAAD(aad(header, associated));
            cipher.doFinal(in, 0, in.length, out, NONCE_BYTES);
        } catch (GeneralSecurityException e) {
            throw new StoreException("cannot seal a value with key " + kid + " (" + e.getClass().getName() + ")");
        } finally {
            Arrays.fill(in, (byte) 0);
        }
        return header + ENCODER.encodeToString(out);
    }

    /**
     * Opens a value made by {@link #seal} with the same {@code associated}.
     *
     * @throws StoreException when the value is not sealed, its key is not in the key file, or it does not
     *     authenticate (changed, or moved from another entry or field)
     */
    public String open(String sealed, String associated) {
        Objects.requireNonNull(associated, "associated");
        if (!looksSealed(sealed)) {
            throw new StoreException("not a sealed value");
        }
        String kid = sealed.substring(PREFIX.length(), PREFIX.length() + KID_CHARS);
        SecretKeySpec key = keys.key(kid);
        if (key == null) {
            throw new StoreException("sealed with key " + kid + ", which the key file does not hold (is it the right"
                    + " key file, or was the key rotated away too early?)");
        }
        byte[] raw;
        try {
            raw = DECODER.decode(sealed.substring(HEADER_CHARS));
        } catch (IllegalArgumentException e) {
            throw new StoreException("not a sealed value");
        }
        byte[] plain = null;
        try {
            Cipher cipher = Cipher.getInstance(TRANSFORMATION);
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BYTES * 8, raw, 0, NONCE_BYTES));
            cipher.updateAAD(aad(sealed.substring(0, HEADER_CHARS), associated));
            plain = cipher.doFinal(raw, NONCE_BYTES, raw.length - NONCE_BYTES);
            return new String(plain, StandardCharsets.UTF_8);
        } catch (AEADBadTagException e) {
            throw new StoreException("cannot be opened with key " + kid
                    + ": the value was changed or moved from another entry");
        } catch (GeneralSecurityException e) {
            throw new StoreException("cannot open a value with key " + kid + " (" + e.getClass().getName() + ")");
        } finally {
            if (plain != null) {
                Arrays.fill(plain, (byte) 0);
            }
        }
    }

    /** Whether {@code sealed} is a sealed value whose key the key file holds (it may still fail to authenticate). */
    public boolean canOpen(String sealed) {
        return looksSealed(sealed) && keys.key(sealed.substring(PREFIX.length(), HEADER_CHARS - 1)) != null;
    }

    /** Whether {@code sealed} is a sealed value under the current key; false means it wants rewriting after a rotation. */
    public boolean sealedWithCurrentKey(String sealed) {
        return looksSealed(sealed) && sealed.startsWith(keys.currentId(), PREFIX.length());
    }

    /**
     * Whether {@code value} has the sealed format: {@code v1.}, 8 lowercase hex digits, {@code .}, then unpadded
     * base64url long enough for a nonce and a tag. Says nothing about whether it opens.
     */
    public static boolean looksSealed(String value) {
        if (value == null || value.length() < HEADER_CHARS + MIN_PAYLOAD_CHARS || !value.startsWith(PREFIX)
                || value.charAt(HEADER_CHARS - 1) != '.') {
            return false;
        }
        for (int i = PREFIX.length(); i < HEADER_CHARS - 1; i++) {
            char c = value.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        if ((value.length() - HEADER_CHARS) % 4 == 1) {
            return false; // no byte count encodes to this many base64 characters
        }
        for (int i = HEADER_CHARS; i < value.length(); i++) {
            char c = value.charAt(i);
            if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_')) {
                return false;
            }
        }
        return true;
    }

    /** The GCM associated data: the ASCII header, then the caller's associated data in UTF-8. */
    static byte[] aad(String header, String associated) {
        byte[] h = header.getBytes(StandardCharsets.US_ASCII);
        byte[] a = associated.getBytes(StandardCharsets.UTF_8);
        byte[] out = Arrays.copyOf(h, h.length + a.length);
        System.arraycopy(a, 0, out, h.length, a.length);
        return out;
    }

    /** UTF-8, refusing lone surrogates rather than silently sealing a '?' in their place. */
    private static byte[] utf8(String s) {
        CharsetEncoder encoder = StandardCharsets.UTF_8.newEncoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer buffer;
        try {
            buffer = encoder.encode(CharBuffer.wrap(s));
        } catch (CharacterCodingException e) {
            throw new StoreException("the value to seal is not well-formed Unicode (it holds a lone surrogate)");
        }
        byte[] out = new byte[buffer.remaining()];
        buffer.get(out);
        if (buffer.hasArray()) {
            Arrays.fill(buffer.array(), (byte) 0);
        }
        return out;
    }

    private static int base64Chars(int bytes) {
        return bytes / 3 * 4 + (bytes % 3 == 0 ? 0 : bytes % 3 + 1);
    }
}
