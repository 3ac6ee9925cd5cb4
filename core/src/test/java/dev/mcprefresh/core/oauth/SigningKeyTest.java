package dev.mcprefresh.core.oauth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.security.spec.RSAKeyGenParameterSpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SigningKeyTest {
    private static final byte[] INPUT = "header.payload".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path dir;
    private final List<String> warnings = new ArrayList<>();

    private SigningKey load(Path file, String alg, String kid) throws KeyFileException {
        return SigningKey.load(file, alg, kid, warnings::add);
    }

    @Test
    void anRsaKeySignsRs256ByDefault() throws Exception {
        Path file = TestKeys.writePkcs8(dir, "rsa.pem", TestKeys.RSA_2048);
        SigningKey key = load(file, null, null);
        assertEquals("RS256", key.alg());
        assertNull(key.keyId());
        assertEquals(file, key.path());
        Signature verifier = Signature.getInstance("SHA256withRSA");
        verifier.initVerify(TestKeys.RSA_2048.getPublic());
        verifier.update(INPUT);
        assertTrue(verifier.verify(key.sign(INPUT)));
        assertEquals(List.of(), warnings);
    }

    @Test
    void anRsaKeySignsPs256WithASaltAsLongAsTheHash() throws Exception {
        SigningKey key = load(TestKeys.writePkcs8(dir, "rsa.pem", TestKeys.RSA_2048), "PS256", "k1");
        assertEquals("PS256", key.alg());
        assertEquals("k1", key.keyId());
        Signature verifier = Signature.getInstance("RSASSA-PSS");
        verifier.setParameter(new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1));
        verifier.initVerify(TestKeys.RSA_2048.getPublic());
        verifier.update(INPUT);
        assertTrue(verifier.verify(key.sign(INPUT)));
    }

    /**
     * Signs until both awkward shapes of r or s have come up: top bit set (DER adds a 0x00 byte) and a leading zero
     * byte (DER drops it; about one value in 256). Each signature is checked by two verifiers: the JDK's DER one, fed
     * through a converter written apart from SigningKey, and the JDK's own r||s (IEEE P1363) one.
     */
    @Test
    void es256SignaturesAreRAndSOf32BytesEachWhateverTheirLeadingBytes() throws Exception {
        SigningKey key = load(TestKeys.writePkcs8(dir, "ec.pem", TestKeys.EC_P256), null, null);
        assertEquals("ES256", key.alg());
        Signature der = Signature.getInstance("SHA256withECDSA");
        Signature p1363 = Signature.getInstance("SHA256withECDSAinP1363Format");
        boolean topBitSet = false;
        boolean leadingZero = false;
        int count = 0;
        for (; count < 200 || !(topBitSet && leadingZero); count++) {
            assertTrue(count < 20_000, "no short r or s in 20000 signatures");
            byte[] input = ("input " + count).getBytes(StandardCharsets.US_ASCII);
            byte[] jose = key.sign(input);
            assertEquals(64, jose.length);
            der.initVerify(TestKeys.EC_P256.getPublic());
            der.update(input);
            assertTrue(der.verify(TestKeys.derFromJose(jose)), "signature " + count);
            p1363.initVerify(TestKeys.EC_P256.getPublic());
            p1363.update(input);
            assertTrue(p1363.verify(jose), "signature " + count);
            for (int half : new int[] {0, 32}) {
                topBitSet |= jose[half] < 0;
                leadingZero |= jose[half] == 0;
            }
        }
    }

    @Test
    void aPkcs1RsaKeyIsRefusedWithTheConversionCommand() throws Exception {
        // The body is PKCS#8 here; only the label matters to the check, and the body must not leak into the message.
        Path file = TestKeys.write(dir, "rsa1.pem", TestKeys.pem("RSA PRIVATE KEY",
                TestKeys.RSA_2048.getPrivate().getEncoded()), "rw-------");
        String message = refused(file, null, TestKeys.RSA_2048);
        assertTrue(message.contains("PKCS#1") && message.contains("openssl pkcs8 -topk8 -nocrypt -in OLD -out NEW"),
                message);
    }

    @Test
    void aSec1EcKeyIsRefusedWithTheConversionCommand() throws Exception {
        // openssl ecparam -genkey writes the curve's PARAMETERS block first.
        Path file = TestKeys.write(dir, "ec1.pem", TestKeys.pem("EC PARAMETERS", new byte[] {6, 8, 42, -122, 72, -50, 61, 3, 1, 7})
                + TestKeys.pem("EC PRIVATE KEY", TestKeys.EC_P256.getPrivate().getEncoded()), "rw-------");
        String message = refused(file, null, TestKeys.EC_P256);
        assertTrue(message.contains("SEC1") && message.contains("openssl pkcs8 -topk8 -nocrypt -in OLD -out NEW"),
                message);
    }

    @Test
    void anEncryptedKeyIsRefusedWithHowToWriteAnUnencryptedOne() throws Exception {
        Path file = TestKeys.write(dir, "enc.pem", TestKeys.pem("ENCRYPTED PRIVATE KEY",
                TestKeys.RSA_2048.getPrivate().getEncoded()), "rw-------");
        String message = refused(file, null, TestKeys.RSA_2048);
        assertTrue(message.contains("encrypted key, which is not supported") && message.contains("chmod 600"), message);
    }

    @Test
    void aFileWithoutAPemBlockIsRefused() throws Exception {
        String message = refused(TestKeys.write(dir, "notes.txt", "hello\n", "rw-------"), null, TestKeys.RSA_2048);
        assertTrue(message.contains("holds no PEM block"), message);
    }

    @Test
    void anotherPemBlockIsNamed() throws Exception {
        Path file = TestKeys.write(dir, "cert.pem",
                TestKeys.pem("CERTIFICATE", TestKeys.RSA_2048.getPrivate().getEncoded()), "rw-------");
        String message = refused(file, null, TestKeys.RSA_2048);
        assertTrue(message.contains("'CERTIFICATE' block"), message);
    }

    @Test
    void badBase64IsRefused() throws Exception {
        String pem = TestKeys.pem("PRIVATE KEY", TestKeys.RSA_2048.getPrivate().getEncoded()).replaceFirst("\n", "\n*");
        String message = refused(TestKeys.write(dir, "b64.pem", pem, "rw-------"), null, TestKeys.RSA_2048);
        assertTrue(message.contains("not valid base64"), message);
    }

    @Test
    void damagedDerIsRefused() throws Exception {
        byte[] der = TestKeys.RSA_2048.getPrivate().getEncoded();
        byte[] cut = java.util.Arrays.copyOf(der, der.length / 2);
        String message = refused(TestKeys.write(dir, "der.pem", TestKeys.pem("PRIVATE KEY", cut), "rw-------"), null,
                TestKeys.RSA_2048);
        assertTrue(message.contains("not an RSA or EC PKCS#8 key"), message);
    }

    @Test
    void aPemCutShortIsRefused() throws Exception {
        String pem = TestKeys.pem("PRIVATE KEY", TestKeys.RSA_2048.getPrivate().getEncoded());
        String message = refused(TestKeys.write(dir, "cut.pem", pem.substring(0, pem.indexOf("-----END")), "rw-------"),
                null, TestKeys.RSA_2048);
        assertTrue(message.contains("END PRIVATE KEY"), message);
    }

    @Test
    void aMissingFileIsNamed() {
        Path file = dir.resolve("absent.pem");
        KeyFileException e = assertThrows(KeyFileException.class, () -> load(file, null, null));
        String message = e.getMessage();
        assertTrue(message.contains(file.toString()) && message.contains("does not exist"), message);
        assertEquals(List.of(), warnings);
    }

    @Test
    void anRsaAlgorithmWithAnEcKeyIsRefused() throws Exception {
        Path file = TestKeys.writePkcs8(dir, "ec.pem", TestKeys.EC_P256);
        for (String alg : new String[] {"RS256", "PS256"}) {
            String message = refused(file, alg, TestKeys.EC_P256);
            assertTrue(message.contains("holds an EC key, which cannot sign " + alg), message);
        }
    }

    @Test
    void es256WithAnRsaKeyIsRefused() throws Exception {
        String message = refused(TestKeys.writePkcs8(dir, "rsa.pem", TestKeys.RSA_2048), "ES256", TestKeys.RSA_2048);
        assertTrue(message.contains("holds an RSA key, which cannot sign ES256"), message);
    }

    @Test
    void es256WithAP384KeyIsRefused() throws Exception {
        KeyPair p384 = TestKeys.generate("EC", new ECGenParameterSpec("secp384r1"));
        Path file = TestKeys.writePkcs8(dir, "p384.pem", p384);
        for (String alg : new String[] {null, "ES256"}) {
            String message = refused(file, alg, p384);
            assertTrue(message.contains("384-bit curve other than P-256"), message);
        }
    }

    @Test
    void anRsaKeyBelow2048BitsIsRefused() throws Exception {
        KeyPair small = TestKeys.generate("RSA", new RSAKeyGenParameterSpec(1024, RSAKeyGenParameterSpec.F4));
        Path file = TestKeys.writePkcs8(dir, "rsa1024.pem", small);
        for (String alg : new String[] {null, "RS256", "PS256"}) {
            String message = refused(file, alg, small);
            assertTrue(message.contains("1024-bit RSA key") && message.contains("needs 2048 bits"), message);
        }
    }

    @Test
    void anUnknownAlgorithmIsRefused() throws Exception {
        Path file = TestKeys.writePkcs8(dir, "rsa.pem", TestKeys.RSA_2048);
        for (String alg : new String[] {"HS256", "rs256", "none", "RS512"}) {
            String message = refused(file, alg, TestKeys.RSA_2048);
            assertTrue(message.contains("'" + alg + "' is not supported"), message);
        }
    }

    @Test
    void aKeyOthersCanReadWarnsOnceWithTheFix() throws Exception {
        assumeTrue(TestKeys.POSIX, "POSIX file modes only");
        Path file = TestKeys.write(dir, "open.pem", TestKeys.pem("PRIVATE KEY",
                TestKeys.RSA_2048.getPrivate().getEncoded()), "rw-r--r--");
        load(file, null, null);
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).contains(file.toString()) && warnings.get(0).contains("chmod 600 " + file),
                warnings.get(0));
        assertFalse(warnings.get(0).contains(TestKeys.pemStart(TestKeys.RSA_2048)), warnings.get(0));
    }

    @Test
    void aKeyTheGroupOrOthersCanReadOrWriteWarns() throws Exception {
        assumeTrue(TestKeys.POSIX, "POSIX file modes only");
        String pem = TestKeys.pem("PRIVATE KEY", TestKeys.EC_P256.getPrivate().getEncoded());
        for (String mode : new String[] {"rw-r-----", "rw--w----", "rw----r--", "rw-----w-"}) {
            warnings.clear();
            load(TestKeys.write(dir, "open.pem", pem, mode), null, null);
            assertEquals(1, warnings.size(), mode + ": " + warnings);
            assertTrue(warnings.get(0).contains(mode), warnings.get(0));
        }
    }

    @Test
    void aKeyOnlyItsOwnerCanReadDoesNotWarn() throws Exception {
        assumeTrue(TestKeys.POSIX, "POSIX file modes only");
        load(TestKeys.writePkcs8(dir, "private.pem", TestKeys.RSA_2048), null, null);
        String ec = TestKeys.pem("PRIVATE KEY", TestKeys.EC_P256.getPrivate().getEncoded());
        load(TestKeys.write(dir, "readonly.pem", ec, "r--------"), null, null);
        assertEquals(List.of(), warnings);
    }

    @Test
    void toStringShowsAlgorithmKeyIdAndPathButNoKey() throws Exception {
        Path rsaFile = TestKeys.writePkcs8(dir, "rsa.pem", TestKeys.RSA_2048);
        String rsa = load(rsaFile, "PS256", "key-1").toString();
        assertTrue(rsa.contains("PS256") && rsa.contains("key-1") && rsa.contains(rsaFile.toString()), rsa);
        assertNoKeyIn(rsa, TestKeys.RSA_2048);
        RSAPrivateKey rsaKey = (RSAPrivateKey) TestKeys.RSA_2048.getPrivate();
        assertFalse(rsa.contains(rsaKey.getPrivateExponent().toString().substring(0, 12)), rsa);
        assertFalse(rsa.contains(rsaKey.getPrivateExponent().toString(16).substring(0, 12)), rsa);

        String ec = load(TestKeys.writePkcs8(dir, "ec.pem", TestKeys.EC_P256), null, null).toString();
        assertNoKeyIn(ec, TestKeys.EC_P256);
        ECPrivateKey ecKey = (ECPrivateKey) TestKeys.EC_P256.getPrivate();
        assertFalse(ec.contains(ecKey.getS().toString().substring(0, 12)), ec);
        assertFalse(ec.contains(ecKey.getS().toString(16).substring(0, 12)), ec);
    }

    /** Loading fails; the message names the file and holds no part of the key. */
    private String refused(Path file, String alg, KeyPair pair) {
        KeyFileException e = assertThrows(KeyFileException.class, () -> load(file, alg, null));
        String message = e.getMessage();
        assertTrue(message.contains(file.toString()) || message.startsWith("signing algorithm"), message);
        assertNoKeyIn(message, pair);
        assertNull(e.getCause(), "a cause could carry key material");
        return message;
    }

    private static void assertNoKeyIn(String text, KeyPair pair) {
        assertFalse(text.contains(TestKeys.pemStart(pair)), text);
        String body = Base64.getEncoder().encodeToString(pair.getPrivate().getEncoded());
        assertFalse(text.contains(body.substring(body.length() / 2, body.length() / 2 + 20)), text);
    }
}
