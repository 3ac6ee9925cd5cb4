package dev.mcprefresh.core.oauth;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.AlgorithmParameterSpec;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.RSAKeyGenParameterSpec;
import java.util.Arrays;
import java.util.Base64;

/** Key pairs made by the JDK, PEM files of them, and an ECDSA signature converter written apart from SigningKey. */
public final class TestKeys {
    public static final KeyPair RSA_2048 = generate("RSA", new RSAKeyGenParameterSpec(2048, RSAKeyGenParameterSpec.F4));
    public static final KeyPair EC_P256 = generate("EC", new ECGenParameterSpec("secp256r1"));

    static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

    private TestKeys() {
    }

    static KeyPair generate(String type, AlgorithmParameterSpec spec) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(type);
            generator.initialize(spec);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }

    public static String pem(String label, byte[] der) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        return "-----BEGIN " + label + "-----\n" + body + "\n-----END " + label + "-----\n";
    }

    /** Writes {@code text} to {@code dir/name} with {@code mode} (e.g. "rw-------") where the file system has modes. */
    public static Path write(Path dir, String name, String text, String mode) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, text, StandardCharsets.US_ASCII);
        if (POSIX) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
        }
        return file;
    }

    public static Path writePkcs8(Path dir, String name, KeyPair pair) throws Exception {
        return write(dir, name, pem("PRIVATE KEY", pair.getPrivate().getEncoded()), "rw-------");
    }

    /** The first 20 base64 characters of the key's DER, as they stand in its PEM file: no message may hold them. */
    static String pemStart(KeyPair pair) {
        return Base64.getEncoder().encodeToString(pair.getPrivate().getEncoded()).substring(0, 20);
    }

    /** JWS ECDSA (r || s) back to DER for the JDK's verifier, via BigInteger, independently of SigningKey. */
    static byte[] derFromJose(byte[] jose) {
        int half = jose.length / 2;
        byte[] r = new BigInteger(1, Arrays.copyOfRange(jose, 0, half)).toByteArray();
        byte[] s = new BigInteger(1, Arrays.copyOfRange(jose, half, jose.length)).toByteArray();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x30);
        out.write(2 + r.length + 2 + s.length); // below 128 for P-256
        out.write(0x02);
        out.write(r.length);
        out.writeBytes(r);
        out.write(0x02);
        out.write(s.length);
        out.writeBytes(s);
        return out.toByteArray();
    }
}
