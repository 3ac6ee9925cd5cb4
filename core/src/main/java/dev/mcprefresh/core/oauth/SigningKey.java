package dev.mcprefresh.core.oauth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.interfaces.ECKey;
import java.security.interfaces.RSAKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.PSSParameterSpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A private key read from a PEM file, and the JWS algorithm (RFC 7518 section 3) it signs client assertions with.
 * Only unencrypted PKCS#8 ({@code BEGIN PRIVATE KEY}) is read: the JDK parses it without a library, and every other
 * form converts to it with one openssl command, which the error gives. Messages name the file, never the key.
 */
public final class SigningKey {
    /** A PEM private key is a few KB; a larger file is something else, not read into memory. */
    private static final int MAX_FILE_SIZE = 64 * 1024;
    private static final String BEGIN_PKCS8 = "-----BEGIN PRIVATE KEY-----";
    private static final String END_PKCS8 = "-----END PRIVATE KEY-----";
    private static final Pattern ANY_BEGIN = Pattern.compile("-----BEGIN ([A-Z0-9 ]{1,40})-----");
    /** RFC 7518 section 3.5: PS256 is RSASSA-PSS with SHA-256, MGF1 with SHA-256, and a salt as long as the hash. */
    private static final PSSParameterSpec PS256 =
            new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1);
    /** RFC 7518 section 3.4: an ES256 signature is r and s of 32 bytes each. */
    /** Read or write; execute on a key file exposes nothing. */
    private static final Set<PosixFilePermission> GROUP_OR_OTHERS = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE);

    private final PrivateKey key;
    private final String alg;
    private final String keyId;
    private final Path path;

    private SigningKey(PrivateKey key, String alg, String keyId, Path path) {
        this.key = key;
        this.alg = alg;
        this.keyId = keyId;
        this.path = path;
    }

    /**
     * Reads the key in {@code pemFile}. {@code alg} null picks RS256 for an RSA key and ES256 for an EC key.
     * {@code warn} gets one line when other users can read or change the file: a warning, not an error, as for the
     * token store (StoreAccessCheck), since refusing would stop the app; the user learns the fix.
     */
    public static SigningKey load(Path pemFile, String alg, String keyId, Consumer<String> warn)
            throws KeyFileException {
        Objects.requireNonNull(pemFile, "pemFile");
        Objects.requireNonNull(warn, "warn");
        byte[] pem = read(pemFile);
        warnIfOthersCanAccess(pemFile, warn);
        byte[] der = pkcs8(pemFile, new String(pem, StandardCharsets.ISO_8859_1));
        try {
            PrivateKey key = parse(pemFile, der);
            SigningKey signingKey = new SigningKey(key, algorithmFor(pemFile, key, alg), keyId, pemFile);
            signingKey.probe();
            return signingKey;
        } finally {
            Arrays.fill(der, (byte) 0);
            Arrays.fill(pem, (byte) 0);
        }
    }

    public String alg() {
        return alg;
    }

    /** The JWS {@code kid} header, or null for none. */
    public String keyId() {
        return keyId;
    }

    public Path path() {
        return path;
    }

    /** The JWS signature of {@code signingInput} (RFC 7515 section 5.1), in RFC 7518's form for {@link #alg()}. */
    public byte[] sign(byte[] signingInput) {
        try {
            Signature signature = newSignature();
            signature.initSign(key);
            signature.update(signingInput);
            return signature.sign();
        } catch (GeneralSecurityException e) {
            // load() signed once already, so this is a JDK or provider fault, not a key file problem.
            throw new IllegalStateException("cannot sign with " + this + ": " + e.getClass().getSimpleName(), e);
        }
    }

    @Override
    public String toString() {
        return "SigningKey[alg=" + alg + ", kid=" + keyId + ", path=" + path + "]";
    }

    private Signature newSignature() throws GeneralSecurityException {
        switch (alg) {
            case "RS256":
                return Signature.getInstance("SHA256withRSA");
            case "PS256":
                Signature pss = Signature.getInstance("RSASSA-PSS");
                pss.setParameter(PS256);
                return pss;
            default:
                // r then s, 32 bytes each, as RFC 7518 3.4 wants (the plain algorithm writes DER).
                return Signature.getInstance("SHA256withECDSAinP1363Format");
        }
    }

    /** Signs once, so that a key the JDK reads but cannot use fails here, naming the file, not at a refresh. */
    private void probe() throws KeyFileException {
        try {
            Signature signature = newSignature();
            signature.initSign(key);
            signature.update(new byte[1]);
            signature.sign();
        } catch (GeneralSecurityException e) {
            throw new KeyFileException("signing key file " + path + ": this JDK cannot sign " + alg + " with its key ("
                    + e.getClass().getSimpleName() + ")");
        }
    }

    private static byte[] read(Path file) throws KeyFileException {
        try {
            if (Files.size(file) > MAX_FILE_SIZE) {
                throw new KeyFileException("signing key file " + file + " is larger than " + MAX_FILE_SIZE / 1024
                        + " KiB: not a PEM private key");
            }
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new KeyFileException("signing key file " + file + " does not exist");
        } catch (AccessDeniedException e) {
            throw new KeyFileException("signing key file " + file + " cannot be read by this process (permission"
                    + " denied); it must be readable by the user the app runs as");
        } catch (IOException e) {
            throw new KeyFileException("signing key file " + file + " cannot be read (" + e.getClass().getSimpleName()
                    + ": " + e.getMessage() + ")");
        }
    }

    /** The DER inside the PKCS#8 PEM block; any other content is an error that says how to convert it. */
    private static byte[] pkcs8(Path file, String pem) throws KeyFileException {
        int begin = pem.indexOf(BEGIN_PKCS8);
        if (begin < 0) {
            throw new KeyFileException(notPkcs8(file, pem));
        }
        int end = pem.indexOf(END_PKCS8, begin);
        if (end < 0) {
            throw new KeyFileException("signing key file " + file + " has no '" + END_PKCS8
                    + "' line: is it cut short?");
        }
        String base64 = pem.substring(begin + BEGIN_PKCS8.length(), end).replaceAll("\\s+", "");
        try {
            return Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            // The decoder's message quotes a character of the key: not passed on.
            throw new KeyFileException("signing key file " + file + ": the PRIVATE KEY block is not valid base64");
        }
    }

    private static String notPkcs8(Path file, String pem) {
        String where = "signing key file " + file;
        String older = pem.contains("-----BEGIN RSA PRIVATE KEY-----") ? "an RSA key in PKCS#1 form ('BEGIN RSA"
                : pem.contains("-----BEGIN EC PRIVATE KEY-----") ? "an EC key in SEC1 form ('BEGIN EC" : null;
        if (older != null) {
            return where + " holds " + older + " PRIVATE KEY'), which the JDK cannot read; convert it to PKCS#8:"
                    + " openssl pkcs8 -topk8 -nocrypt -in OLD -out NEW";
        }
        if (pem.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----")) {
            return where + " holds an encrypted key, which is not supported (nothing could ask for the passphrase"
                    + " at refresh time); write an unencrypted PKCS#8 copy that only you can read:"
                    + " openssl pkey -in OLD -out NEW && chmod 600 NEW";
        }
        Matcher other = ANY_BEGIN.matcher(pem);
        if (other.find()) {
            return where + " holds a PEM '" + other.group(1) + "' block, not a private key; expected an unencrypted"
                    + " PKCS#8 key ('" + BEGIN_PKCS8 + "')";
        }
        return where + " holds no PEM block; expected an unencrypted PKCS#8 private key ('" + BEGIN_PKCS8 + "')";
    }

    private static PrivateKey parse(Path file, byte[] der) throws KeyFileException {
        for (String type : new String[] {"RSA", "EC"}) {
            try {
                return KeyFactory.getInstance(type).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (InvalidKeySpecException e) {
                // not this type (or damaged): try the next; the JDK's message is not passed on
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(type + " keys are not supported by this JDK", e);
            }
        }
        throw new KeyFileException("signing key file " + file + ": the PRIVATE KEY block is not an RSA or EC PKCS#8"
                + " key (damaged, or another type such as Ed25519, which is not supported)");
    }

    private static String algorithmFor(Path file, PrivateKey key, String requested) throws KeyFileException {
        boolean rsa = key instanceof RSAKey;
        String alg = requested != null ? requested : rsa ? "RS256" : "ES256";
        String where = "signing key file " + file;
        switch (alg) {
            case "RS256":
            case "PS256":
                if (!rsa) {
                    throw new KeyFileException(where + " holds an EC key, which cannot sign " + alg
                            + "; use ES256, or an RSA key");
                }
                int bits = ((RSAKey) key).getModulus().bitLength();
                if (bits < 2048) {
                    // RFC 7518 section 3.3 (and 3.5): 2048 bits or more.
                    throw new KeyFileException(where + " holds a " + bits + "-bit RSA key; " + alg + " needs 2048 bits"
                            + " or more: openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out NEW");
                }
                return alg;
            case "ES256":
                if (rsa) {
                    throw new KeyFileException(where + " holds an RSA key, which cannot sign ES256; use RS256 or PS256,"
                            + " or a P-256 EC key");
                }
                ECParameterSpec curve = ((ECKey) key).getParams();
                if (!isP256(curve)) {
                    int fieldBits = curve.getCurve().getField().getFieldSize();
                    throw new KeyFileException(where + " holds an EC key on a " + fieldBits
                            + "-bit curve other than P-256; ES256 needs P-256:"
                            + " openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out NEW");
                }
                return alg;
            default:
                throw new KeyFileException("signing algorithm '" + alg
                        + "' is not supported; use RS256, PS256 or ES256");
        }
    }

    private static boolean isP256(ECParameterSpec spec) {
        ECParameterSpec p256;
        try {
            AlgorithmParameters params = AlgorithmParameters.getInstance("EC");
            params.init(new ECGenParameterSpec("secp256r1"));
            p256 = params.getParameterSpec(ECParameterSpec.class);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("P-256 (secp256r1) is not supported by this JDK", e);
        }
        return spec.getCurve().equals(p256.getCurve()) && spec.getGenerator().equals(p256.getGenerator())
                && spec.getOrder().equals(p256.getOrder()) && spec.getCofactor() == p256.getCofactor();
    }

    /** Who besides the owner can read or change the key; a link's target counts (Kubernetes mounts secrets so). */
    private static void warnIfOthersCanAccess(Path file, Consumer<String> warn) {
        try {
            Set<PosixFilePermission> mode = Files.getPosixFilePermissions(file);
            if (!Collections.disjoint(mode, GROUP_OR_OTHERS)) {
                warn.accept("signing key file " + file + " can be read or changed by other users (mode "
                        + PosixFilePermissions.toString(mode) + "); fix it with: chmod 600 " + file);
            }
        } catch (IOException | UnsupportedOperationException e) {
            // No POSIX modes (Windows): nothing to say.
        }
    }
}
