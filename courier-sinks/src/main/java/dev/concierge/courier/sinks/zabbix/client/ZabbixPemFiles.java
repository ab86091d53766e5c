package dev.concierge.courier.sinks.zabbix.client;

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
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the PEM files a Zabbix sender uses ({@code TLSCAFile}, {@code TLSCertFile}, {@code TLSKeyFile}) with
 * the JDK alone. Private keys may be PKCS#8 ({@code BEGIN PRIVATE KEY}, what OpenSSL 3 writes by default) or
 * PKCS#1 RSA ({@code BEGIN RSA PRIVATE KEY}, what OpenSSL 1.x {@code genrsa} wrote and many Zabbix guides
 * still produce). The JDK cannot read PKCS#1, so such a key is wrapped, byte for byte, into the PKCS#8
 * structure that carries it (RFC 5208 {@code PrivateKeyInfo} with the rsaEncryption algorithm); nothing of
 * the key itself is parsed. Encrypted keys are refused, as Zabbix refuses them. Stateless.
 */
final class ZabbixPemFiles {

    // RFC 7468 §3: "-----BEGIN label-----", base64 lines (RFC 1421 headers such as Proc-Type allowed), END.
    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----\\r?\\n(.*?)-----END \\1-----", Pattern.DOTALL);
    // DER of AlgorithmIdentifier { rsaEncryption (1.2.840.113549.1.1.1), NULL }: RFC 8017 Appendix C.
    private static final byte[] RSA_ALGORITHM = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86,
            (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};
    private static final List<String> KEY_ALGORITHMS = List.of("RSA", "EC", "EdDSA", "RSASSA-PSS", "DSA");

    /** One PEM block: its label and decoded bytes; {@code encrypted} when RFC 1421 headers say so. */
    record Block(String label, byte[] der, boolean encrypted) {
    }

    private ZabbixPemFiles() {
    }

    /** Every PEM block in the file, in order; text outside blocks (as {@code openssl x509 -text} adds) is skipped. */
    static List<Block> blocks(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.US_ASCII);
        List<Block> blocks = new ArrayList<>();
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            String body = m.group(2);
            boolean encrypted = false;
            StringBuilder base64 = new StringBuilder();
            for (String line : body.split("\\r?\\n")) {
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
     * The certificates of a PEM file, in file order (for a client certificate file: the leaf first, then
     * its chain, as Zabbix expects).
     *
     * @throws IOException when the file cannot be read, holds no {@code CERTIFICATE} block or a block that
     *                     is not an X.509 certificate
     */
    static List<X509Certificate> certificates(Path file) throws IOException {
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
     * The first private key of a PEM file: PKCS#8 {@code PRIVATE KEY} (RSA, EC, EdDSA, RSASSA-PSS, DSA) or
     * PKCS#1 {@code RSA PRIVATE KEY}.
     *
     * @throws IOException when there is no such block, it is encrypted, or it is a format the JDK cannot
     *                     read; the message names the conversion that helps
     */
    static PrivateKey privateKey(Path file) throws IOException {
        for (Block block : blocks(file)) {
            switch (block.label()) {
                case "PRIVATE KEY":
                    return pkcs8(block.der());
                case "RSA PRIVATE KEY":
                    if (block.encrypted()) {
                        throw new IOException("the RSA PRIVATE KEY is encrypted (expected: an unencrypted key, as "
                                + "Zabbix reads; openssl pkcs8 -topk8 -nocrypt -in <key> -out <new key>)");
                    }
                    return pkcs8(pkcs1ToPkcs8(block.der()));
                case "ENCRYPTED PRIVATE KEY":
                    throw new IOException("the key is encrypted (expected: an unencrypted key, as Zabbix reads; "
                            + "openssl pkcs8 -topk8 -nocrypt -in <key> -out <new key>)");
                case "EC PRIVATE KEY":
                case "DSA PRIVATE KEY":
                    throw new IOException("a " + block.label() + " block is a format the JDK cannot read "
                            + "(expected: PKCS#8; openssl pkcs8 -topk8 -nocrypt -in <key> -out <new key>)");
                default:
                    // a certificate or parameters in the same file: look further
            }
        }
        throw new IOException("no -----BEGIN PRIVATE KEY----- or -----BEGIN RSA PRIVATE KEY----- block");
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
        throw new IOException("the PRIVATE KEY block is not a PKCS#8 key of a type the JDK reads ("
                + String.join(", ", KEY_ALGORITHMS) + ")");
    }

    /**
     * {@code PrivateKeyInfo ::= SEQUENCE { version INTEGER 0, algorithm AlgorithmIdentifier, privateKey OCTET
     * STRING }} (RFC 5208 §5) around the PKCS#1 {@code RSAPrivateKey} bytes.
     */
    static byte[] pkcs1ToPkcs8(byte[] pkcs1) {
        ByteArrayOutputStream body = new ByteArrayOutputStream(pkcs1.length + 32);
        body.writeBytes(new byte[] {0x02, 0x01, 0x00}); // version 0
        body.writeBytes(RSA_ALGORITHM);
        body.write(0x04); // OCTET STRING
        writeLength(body, pkcs1.length);
        body.writeBytes(pkcs1);
        ByteArrayOutputStream info = new ByteArrayOutputStream(body.size() + 4);
        info.write(0x30); // SEQUENCE
        writeLength(info, body.size());
        info.writeBytes(body.toByteArray());
        return info.toByteArray();
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
