package dev.concierge.courier.core.tls;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads PEM certificates and private keys with the JDK alone. Private keys may be PKCS#8
 * ({@code BEGIN PRIVATE KEY}, what OpenSSL 3 writes by default), PKCS#1 RSA ({@code BEGIN RSA PRIVATE KEY}) or
 * SEC 1 EC ({@code BEGIN EC PRIVATE KEY}), the two "traditional" forms OpenSSL 1.x wrote. The JDK reads PKCS#8
 * only, so a traditional key is wrapped, byte for byte, into the RFC 5208 {@code PrivateKeyInfo} that carries
 * it; of the key itself only an EC key's curve name is looked at. Encrypted keys are refused. Stateless.
 */
public final class PemFiles {

    // RFC 7468 §3: "-----BEGIN label-----", base64 lines (RFC 1421 headers such as Proc-Type allowed), END.
    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----\\r?\\n(.*?)-----END \\1-----", Pattern.DOTALL);
    // DER of AlgorithmIdentifier { rsaEncryption (1.2.840.113549.1.1.1), NULL }: RFC 8017 Appendix C.
    private static final byte[] RSA_ALGORITHM = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86,
            (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};
    // DER of OID id-ecPublicKey (1.2.840.10045.2.1): RFC 5480 §2.1.1.
    private static final byte[] EC_PUBLIC_KEY = {0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01};
    private static final List<String> KEY_ALGORITHMS = List.of("RSA", "EC", "EdDSA", "RSASSA-PSS", "DSA");
    private static final String TO_PKCS8 = "openssl pkcs8 -topk8 -nocrypt -in <key> -out <new key>";

    /** One PEM block: its label and decoded bytes; {@code encrypted} when RFC 1421 headers say so. */
    public record Block(String label, byte[] der, boolean encrypted) {
    }

    private PemFiles() {
    }

    /** Every PEM block in the file, in order; text outside blocks (as {@code openssl x509 -text} adds) is skipped. */
    public static List<Block> blocks(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.US_ASCII);
        List<Block> blocks = new ArrayList<>();
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            boolean encrypted = false;
            StringBuilder base64 = new StringBuilder();
            for (String line : m.group(2).split("\\r?\\n")) {
                if (line.contains(":")) {
                    encrypted |= line.startsWith("Proc-Type:") && line.contains("ENCRYPTED");
                    continue;
                }
                base64.append(line.strip());
            }
            try {
                blocks.add(new Block(m.group(1), Base64.getDecoder().decode(base64.toString()), encrypted));
            } catch (IllegalArgumentException e) {
                throw new IOException("the " + m.group(1) + " block is not valid base64: " + e.getMessage(), e);
            }
        }
        return blocks;
    }

    /**
     * The certificates of a PEM file, in file order (for a client certificate file: the leaf first, then its
     * chain).
     *
     * @throws IOException when the file cannot be read, holds no {@code CERTIFICATE} block or a block that is
     *                     not an X.509 certificate
     */
    public static List<X509Certificate> certificates(Path file) throws IOException {
        List<X509Certificate> certificates = new ArrayList<>();
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            for (Block block : blocks(file)) {
                if (block.label().equals("CERTIFICATE")) {
                    certificates.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(block.der())));
                }
            }
        } catch (CertificateException e) {
            throw new IOException("a CERTIFICATE block is not an X.509 certificate: " + e.getMessage(), e);
        }
        if (certificates.isEmpty()) {
            throw new IOException("no -----BEGIN CERTIFICATE----- block");
        }
        return certificates;
    }

    /**
     * The first private key of a PEM file: PKCS#8 {@code PRIVATE KEY} (RSA, EC, EdDSA, RSASSA-PSS, DSA), PKCS#1
     * {@code RSA PRIVATE KEY} or SEC 1 {@code EC PRIVATE KEY} with a named curve.
     *
     * @throws IOException when there is no such block, it is encrypted, or it is a form the JDK cannot read;
     *                     the message names the conversion that helps
     */
    public static PrivateKey privateKey(Path file) throws IOException {
        for (Block block : blocks(file)) {
            if (block.encrypted() || block.label().equals("ENCRYPTED PRIVATE KEY")) {
                throw new IOException("the key is encrypted (expected: an unencrypted key; " + TO_PKCS8 + ")");
            }
            switch (block.label()) {
                case "PRIVATE KEY":
                    return pkcs8(block.der());
                case "RSA PRIVATE KEY":
                    return pkcs8(pkcs1ToPkcs8(block.der()));
                case "EC PRIVATE KEY":
                    return pkcs8(sec1ToPkcs8(block.der()));
                case "DSA PRIVATE KEY":
                    throw new IOException("a DSA PRIVATE KEY block is a form the JDK cannot read (expected: PKCS#8; "
                            + TO_PKCS8 + ")");
                default:
                    // a certificate or EC parameters in the same file: look further
            }
        }
        throw new IOException("no -----BEGIN PRIVATE KEY-----, RSA PRIVATE KEY or EC PRIVATE KEY block");
    }

    private static PrivateKey pkcs8(byte[] der) throws IOException {
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        for (String algorithm : KEY_ALGORITHMS) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException wrongAlgorithm) {
                // the spec names its algorithm only inside the DER; try the next factory
            }
        }
        throw new IOException("the private key is not a key of a type the JDK reads ("
                + String.join(", ", KEY_ALGORITHMS) + ")");
    }

    /**
     * {@code PrivateKeyInfo ::= SEQUENCE { version INTEGER 0, algorithm AlgorithmIdentifier, privateKey OCTET
     * STRING }} (RFC 5208 §5) around the PKCS#1 {@code RSAPrivateKey} bytes.
     */
    public static byte[] pkcs1ToPkcs8(byte[] pkcs1) {
        return privateKeyInfo(RSA_ALGORITHM, pkcs1);
    }

    /**
     * The same {@code PrivateKeyInfo} around a SEC 1 {@code ECPrivateKey} (RFC 5915 §3: {@code SEQUENCE { version
     * 1, privateKey OCTET STRING, [0] parameters, [1] publicKey }}), its algorithm {@code id-ecPublicKey} with
     * the curve OID taken from {@code [0]} (RFC 5915 §3 says it "SHOULD" be there; OpenSSL always writes it).
     */
    static byte[] sec1ToPkcs8(byte[] sec1) throws IOException {
        byte[] curve = null;
        int[] outer = header(sec1, 0);
        int at = outer[0];
        int end = at + outer[1];
        while (at < end) {
            int tag = sec1[at] & 0xff;
            int[] element = header(sec1, at);
            if (tag == 0xa0) {
                curve = Arrays.copyOfRange(sec1, element[0], element[0] + element[1]);
            }
            at = element[0] + element[1];
        }
        if (curve == null || curve.length == 0 || curve[0] != 0x06) {
            throw new IOException("the EC PRIVATE KEY names no curve (expected: a named curve; " + TO_PKCS8 + ")");
        }
        ByteArrayOutputStream algorithm = new ByteArrayOutputStream();
        algorithm.writeBytes(EC_PUBLIC_KEY);
        algorithm.writeBytes(curve);
        return privateKeyInfo(sequence(algorithm.toByteArray()), sec1);
    }

    /** {@code {content offset, content length}} of the DER element at {@code at} (X.690 §8.1.3 definite lengths). */
    private static int[] header(byte[] der, int at) throws IOException {
        if (at + 2 > der.length) {
            throw new IOException("the EC PRIVATE KEY is truncated");
        }
        int first = der[at + 1] & 0xff;
        if (first < 0x80) {
            return new int[] {at + 2, first};
        }
        int bytes = first & 0x7f;
        if (bytes == 0 || bytes > 3 || at + 2 + bytes > der.length) {
            throw new IOException("the EC PRIVATE KEY is not DER");
        }
        int length = 0;
        for (int i = 0; i < bytes; i++) {
            length = (length << 8) | (der[at + 2 + i] & 0xff);
        }
        if (at + 2 + bytes + length > der.length) {
            throw new IOException("the EC PRIVATE KEY is truncated");
        }
        return new int[] {at + 2 + bytes, length};
    }

    private static byte[] privateKeyInfo(byte[] algorithm, byte[] key) {
        ByteArrayOutputStream body = new ByteArrayOutputStream(key.length + 32);
        body.writeBytes(new byte[] {0x02, 0x01, 0x00}); // version 0
        body.writeBytes(algorithm);
        body.write(0x04); // OCTET STRING
        writeLength(body, key.length);
        body.writeBytes(key);
        return sequence(body.toByteArray());
    }

    private static byte[] sequence(byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 4);
        out.write(0x30);
        writeLength(out, content.length);
        out.writeBytes(content);
        return out.toByteArray();
    }

    /** DER definite length (X.690 §8.1.3): short form below 128, else 0x80|n followed by n big-endian bytes. */
    private static void writeLength(ByteArrayOutputStream out, int length) {
        if (length < 0x80) {
            out.write(length);
            return;
        }
        int bytes = length > 0xffffff ? 4 : length > 0xffff ? 3 : length > 0xff ? 2 : 1;
        out.write(0x80 | bytes);
        for (int i = bytes - 1; i >= 0; i--) {
            out.write(length >>> (8 * i));
        }
    }
}
