package dev.mcprefresh.core.store.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mcprefresh.core.store.StoreException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FieldCipherTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String ACCESS = "srv-1/access_token";
    private static final String TOKEN = "eyJhbGciOiJSUzI1NiJ9.secret-access-token-value.sig";

    @TempDir
    Path dir;

    private String keyA;
    private String keyB;
    /** Key texts and plaintexts: no message may contain one. */
    private final List<String> secrets = new ArrayList<>();
    private final List<String> said = new ArrayList<>();

    @BeforeEach
    void twoKeys() {
        keyA = newKey();
        keyB = newKey();
        secrets.add(TOKEN);
    }

    private String newKey() {
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        String text = Base64.getEncoder().encodeToString(key);
        secrets.add(text);
        return text;
    }

    private StoreKeys keys(String... lines) throws Exception {
        Path file = Files.createTempFile(dir, "store", ".key");
        Files.writeString(file, String.join("\n", lines) + "\n");
        if (StoreKeysTest.posix()) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        }
        return StoreKeys.read(file);
    }

    private FieldCipher cipher(String... lines) throws Exception {
        return new FieldCipher(keys(lines));
    }

    private String openFails(FieldCipher cipher, String sealed, String associated) {
        StoreException e = assertThrows(StoreException.class, () -> cipher.open(sealed, associated));
        said.add(e.getMessage());
        // Neither the value, nor its payload, nor any 8-character run of the payload.
        String payload = sealed.length() > FieldCipher.HEADER_CHARS ? sealed.substring(FieldCipher.HEADER_CHARS) : "";
        for (int i = 0; i + 8 <= payload.length(); i++) {
            assertFalse(e.getMessage().contains(payload.substring(i, i + 8)), e.getMessage());
        }
        return e.getMessage();
    }

    @AfterEach
    void nothingSaidHoldsASecret() {
        for (String text : said) {
            for (String secret : secrets) {
                assertFalse(text.contains(secret), "secret in: " + text);
                for (int i = 0; i + 8 <= secret.length(); i++) {
                    assertFalse(text.contains(secret.substring(i, i + 8)), "part of a secret in: " + text);
                }
            }
        }
    }

    private static byte[] payload(String sealed) {
        return Base64.getUrlDecoder().decode(sealed.substring(FieldCipher.HEADER_CHARS));
    }

    private static String withPayload(String sealed, byte[] payload) {
        return sealed.substring(0, FieldCipher.HEADER_CHARS) + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(payload);
    }

    @Test
    void asciiRoundTripsInTheDocumentedFormat() throws Exception {
        FieldCipher c = cipher(keyA);
        String sealed = c.seal(TOKEN, ACCESS);
        assertTrue(sealed.matches("v1\\.[0-9a-f]{8}\\.[A-Za-z0-9_-]+"), sealed);
        assertEquals("v1." + c.currentKeyId() + ".", sealed.substring(0, 12));
        assertEquals(12 + TOKEN.length() + 16, payload(sealed).length, "nonce || ciphertext || tag");
        assertFalse(sealed.contains("secret-access-token"), sealed);
        assertEquals(TOKEN, c.open(sealed, ACCESS));
        assertEquals(TOKEN, cipher(keyA).open(sealed, ACCESS), "another cipher on the same key file");
    }

    @Test
    void nonAsciiAndEmptyValuesRoundTrip() throws Exception {
        FieldCipher c = cipher(keyA);
        String text = "clé sécrète ✓ 秘密 🔑";
        String sealed = c.seal(text, "srv-ü/client_secret");
        assertEquals(12 + text.getBytes(StandardCharsets.UTF_8).length + 16, payload(sealed).length);
        assertEquals(text, c.open(sealed, "srv-ü/client_secret"));
        assertEquals("", c.open(c.seal("", ACCESS), ACCESS));
        assertEquals(TOKEN, c.open(c.seal(TOKEN, ""), ""));
    }

    @Test
    void aLoneSurrogateIsRefusedNotSealedAsAQuestionMark() throws Exception {
        StoreException e = assertThrows(StoreException.class, () -> cipher(keyA).seal("ab\uD800cd", ACCESS));
        assertEquals("the value to seal is not well-formed Unicode (it holds a lone surrogate)", e.getMessage());
    }

    @Test
    void sealingTwiceUsesFreshNoncesAndBothOpen() throws Exception {
        FieldCipher c = cipher(keyA);
        String one = c.seal(TOKEN, ACCESS);
        String two = c.seal(TOKEN, ACCESS);
        assertNotEquals(one, two);
        assertFalse(Arrays.equals(Arrays.copyOf(payload(one), 12), Arrays.copyOf(payload(two), 12)), "nonces differ");
        assertEquals(TOKEN, c.open(one, ACCESS));
        assertEquals(TOKEN, c.open(two, ACCESS));
    }

    @Test
    void theNonceComesFromTheRandomSource() throws Exception {
        byte[] fixed = new byte[12];
        Arrays.fill(fixed, (byte) 7);
        SecureRandom constant = new SecureRandom() {
            @Override
            public void nextBytes(byte[] bytes) {
                Arrays.fill(bytes, (byte) 7);
            }
        };
        FieldCipher c = new FieldCipher(keys(keyA), constant);
        String sealed = c.seal(TOKEN, ACCESS);
        assertArrayEquals(fixed, Arrays.copyOf(payload(sealed), 12));
        assertEquals(TOKEN, c.open(sealed, ACCESS));
    }

    @Test
    void aValueMovedToAnotherEntryOrFieldDoesNotOpen() throws Exception {
        FieldCipher c = cipher(keyA);
        String sealed = c.seal(TOKEN, ACCESS);
        String expected = "cannot be opened with key " + c.currentKeyId()
                + ": the value was changed or moved from another entry";
        assertEquals(expected, openFails(c, sealed, "srv-2/access_token"));
        assertEquals(expected, openFails(c, sealed, "srv-1/refresh_token"));
        assertEquals(expected, openFails(c, sealed, ""));
        assertEquals(expected, openFails(c, sealed, ACCESS + " "));
    }

    @Test
    void aFlippedBitInNonceCiphertextOrTagDoesNotOpen() throws Exception {
        FieldCipher c = cipher(keyA);
        String sealed = c.seal(TOKEN, ACCESS);
        byte[] raw = payload(sealed);
        String expected = "cannot be opened with key " + c.currentKeyId()
                + ": the value was changed or moved from another entry";
        int[] positions = {0, 11, 12, 12 + TOKEN.length() / 2, 12 + TOKEN.length() - 1, raw.length - 16,
            raw.length - 1};
        for (int at : positions) {
            for (int bit = 0; bit < 8; bit += 7) {
                byte[] changed = raw.clone();
                changed[at] ^= (byte) (1 << bit);
                assertEquals(expected, openFails(c, withPayload(sealed, changed), ACCESS), "byte " + at);
            }
        }
        assertEquals(expected, openFails(c, withPayload(sealed, Arrays.copyOf(raw, raw.length - 1)), ACCESS),
                "truncated");
        assertEquals(TOKEN, c.open(sealed, ACCESS), "the original still opens");
    }

    @Test
    void theAssociatedDataIsTheHeaderThenTheCallersData() throws Exception {
        // Pins the layout (so another implementation can open these values) and that the key id is bound in it.
        StoreKeys keys = keys(keyA);
        String sealed = new FieldCipher(keys).seal(TOKEN, ACCESS);
        byte[] raw = payload(sealed);
        byte[] header = sealed.substring(0, 12).getBytes(StandardCharsets.US_ASCII);
        byte[] associated = ACCESS.getBytes(StandardCharsets.UTF_8);
        byte[] full = Arrays.copyOf(header, header.length + associated.length);
        System.arraycopy(associated, 0, full, header.length, associated.length);
        assertEquals(TOKEN, new String(decrypt(keys, raw, full), StandardCharsets.UTF_8));
        assertThrows(AEADBadTagException.class, () -> decrypt(keys, raw, associated), "the key id is bound");
        byte[] otherKid = full.clone();
        otherKid[3] = (byte) (otherKid[3] == '0' ? '1' : '0');
        assertThrows(AEADBadTagException.class, () -> decrypt(keys, raw, otherKid));
    }

    private static byte[] decrypt(StoreKeys keys, byte[] raw, byte[] aad) throws Exception {
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(Cipher.DECRYPT_MODE, keys.current(), new GCMParameterSpec(128, raw, 0, 12));
        cipher.updateAAD(aad);
        return cipher.doFinal(raw, 12, raw.length - 12);
    }

    @Test
    void aValueRelabelledToAnotherKeyDoesNotOpen() throws Exception {
        FieldCipher a = cipher(keyA);
        FieldCipher both = cipher(keyB, keyA);
        String sealed = a.seal(TOKEN, ACCESS);
        String relabelled = "v1." + both.currentKeyId() + sealed.substring(11);
        assertTrue(both.canOpen(relabelled));
        assertEquals("cannot be opened with key " + both.currentKeyId()
                + ": the value was changed or moved from another entry", openFails(both, relabelled, ACCESS));
    }

    @Test
    void afterARotationOldValuesOpenAndNewOnesUseTheNewKey() throws Exception {
        FieldCipher before = cipher(keyA);
        String old = before.seal(TOKEN, ACCESS);
        FieldCipher after = cipher(keyB, keyA);
        assertNotEquals(before.currentKeyId(), after.currentKeyId());
        assertTrue(after.canOpen(old));
        assertFalse(after.sealedWithCurrentKey(old), "wants rewriting");
        assertEquals(TOKEN, after.open(old, ACCESS));
        String fresh = after.seal(TOKEN, ACCESS);
        assertTrue(fresh.startsWith("v1." + after.currentKeyId() + "."), fresh);
        assertTrue(after.sealedWithCurrentKey(fresh));
        assertEquals(TOKEN, after.open(fresh, ACCESS));
        assertEquals(TOKEN, cipher(keyB).open(fresh, ACCESS), "the old key can now be dropped");
        assertFalse(before.canOpen(fresh));
    }

    @Test
    void aValueWhoseKeyWasDroppedNamesTheKeyAndTheLikelyCauses() throws Exception {
        FieldCipher a = cipher(keyA);
        String sealed = a.seal(TOKEN, ACCESS);
        FieldCipher onlyB = cipher(keyB);
        assertFalse(onlyB.canOpen(sealed));
        assertEquals("sealed with key " + a.currentKeyId() + ", which the key file does not hold (is it the right key"
                + " file, or was the key rotated away too early?)", openFails(onlyB, sealed, ACCESS));
    }

    @Test
    void whatIsNotSealedIsSaidSo() throws Exception {
        FieldCipher c = cipher(keyA);
        String sealed = c.seal(TOKEN, ACCESS);
        for (String value : List.of(TOKEN, "", "v1.", sealed.substring(0, 40), sealed + "=",
                sealed.toUpperCase(java.util.Locale.ROOT), "v2" + sealed.substring(2))) {
            assertEquals("not a sealed value", openFails(c, value, ACCESS), value);
        }
        assertThrows(StoreException.class, () -> c.open(null, ACCESS));
        assertFalse(c.canOpen(TOKEN));
        assertFalse(c.canOpen(null));
        assertFalse(c.sealedWithCurrentKey(TOKEN));
    }

    @Test
    void looksSealedChecksTheFormatOnly() throws Exception {
        FieldCipher c = cipher(keyA);
        String sealed = c.seal(TOKEN, ACCESS);
        String empty = c.seal("", ACCESS);
        assertTrue(FieldCipher.looksSealed(sealed));
        assertTrue(FieldCipher.looksSealed(empty), "the shortest value: nonce and tag");
        assertTrue(FieldCipher.looksSealed("v1.0123abcd." + "A".repeat(38)), "syntax only: need not open");
        String p = sealed.substring(12);
        for (String value : Arrays.asList(null, "", TOKEN, "v1.", "v1.0123abcd.", "v1.0123abcd",
                "v1.0123abcd." + "A".repeat(37), // 37 characters: less than 28 bytes
                "v1.0123abcd." + "A".repeat(41), // 41 = 4n+1: no byte count encodes to it
                "v2." + sealed.substring(3), "V1." + sealed.substring(3),
                "v1.0123ABCD." + p, "v1.0123abc." + p, "v1.0123abcde." + p, "v1.0123abcg." + p,
                "v1.0123abcd:" + p, "v1.0123abcd." + p + "=", "v1.0123abcd." + p.substring(0, 20) + "+"
                        + p.substring(21), "v1.0123abcd." + p.substring(0, 20) + "/" + p.substring(21),
                "v1.0123abcd." + p.substring(0, 20) + "." + p.substring(21), " " + sealed, sealed + "\n",
                "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyIiwiZXhwIjoxNzAwMDAwMDAwfQ.c2lnbmF0dXJlLXZhbHVlLWhlcmU")) {
            assertFalse(FieldCipher.looksSealed(value), String.valueOf(value));
        }
    }

    @Test
    void manyThreadsSealAndOpenAtOnce() throws Exception {
        FieldCipher c = cipher(keyB, keyA);
        String old = cipher(keyA).seal(TOKEN, ACCESS);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < 300; i++) {
                        String value = TOKEN + thread + "-" + i;
                        String associated = "srv-" + thread + "/access_token";
                        assertEquals(value, c.open(c.seal(value, associated), associated));
                        assertEquals(TOKEN, c.open(old, ACCESS));
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
