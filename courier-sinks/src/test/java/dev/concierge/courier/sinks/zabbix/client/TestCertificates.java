package dev.concierge.courier.sinks.zabbix.client;

import dev.concierge.courier.core.tls.TestPki;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A CA, a Zabbix server certificate and a client certificate made with {@code /usr/bin/openssl} into a
 * directory, plus a second CA that signed nothing of them. Subjects come from UTF-8 request configuration
 * files, not the command line, so non-ASCII and RFC 4514 special characters reach the certificates intact.
 * RSA keys, since Zabbix's default TLS 1.2 cipher list for certificates is RSA only. Shared with
 * courier-app's tests through the test-jar.
 *
 * @param dir          where the files are
 * @param caCert       the CA certificate, PEM
 * @param serverCert   the server's certificate, CN {@link #SERVER_CN} (not the address tests connect to)
 * @param serverKey    its key, PKCS#8
 * @param clientCert   the client's certificate, with {@code , + ü} in its subject
 * @param clientKey    its key, PKCS#8 ({@code BEGIN PRIVATE KEY}, what OpenSSL 3 writes)
 * @param clientPkcs1Key the same key as PKCS#1 ({@code BEGIN RSA PRIVATE KEY})
 * @param otherCaCert  a CA certificate that signed neither certificate
 */
public record TestCertificates(Path dir, Path caCert, Path serverCert, Path serverKey, Path clientCert, Path clientKey,
                        Path clientPkcs1Key, Path otherCaCert) {

    public static final String SERVER_CN = "zabbix.courier.test";
    /** The subjects as Zabbix prints them (RFC 4514, most specific first). */
    public static final String CA_SUBJECT = "CN=Courier Test CA,O=Concierge Courier Tests,C=LV";
    public static final String SERVER_SUBJECT = "CN=" + SERVER_CN + ",OU=Zabbix,O=Concierge Courier Tests,C=LV";
    public static final String CLIENT_SUBJECT = "CN=courier-sink,OU=Z\u00fcrich,O=Courier\\, Tests\\+Co,C=LV";


    /** Makes every file in {@code dir}; a few seconds of key generation on a busy machine. */
    public static TestCertificates create(Path dir) throws IOException, InterruptedException {
        Path caKey = dir.resolve("ca.key");
        Path caCert = dir.resolve("ca.crt");
        selfSigned(dir, "ca", List.of("C = LV", "O = Concierge Courier Tests", "CN = Courier Test CA"), caKey, caCert);
        Path otherKey = dir.resolve("other-ca.key");
        Path otherCert = dir.resolve("other-ca.crt");
        selfSigned(dir, "other-ca", List.of("C = LV", "O = Somebody Else", "CN = Other CA"), otherKey, otherCert);

        Path serverKey = dir.resolve("server.key");
        Path serverCert = dir.resolve("server.crt");
        signed(dir, "server", List.of("C = LV", "O = Concierge Courier Tests", "OU = Zabbix", "CN = " + SERVER_CN),
                "serverAuth", caKey, caCert, serverKey, serverCert);
        Path clientKey = dir.resolve("client.key");
        Path clientCert = dir.resolve("client.crt");
        signed(dir, "client", List.of("C = LV", "O = Courier, Tests+Co", "OU = Z\u00fcrich", "CN = courier-sink"),
                "clientAuth", caKey, caCert, clientKey, clientCert);
        Path pkcs1 = dir.resolve("client-pkcs1.key");
        openssl(dir, "rsa", "-in", clientKey.toString(), "-traditional", "-out", pkcs1.toString());
        return new TestCertificates(dir, caCert, serverCert, serverKey, clientCert, clientKey, pkcs1, otherCert);
    }

    private static void selfSigned(Path dir, String name, List<String> dn, Path key, Path cert)
            throws IOException, InterruptedException {
        Path conf = requestConfig(dir, name, dn, List.of("basicConstraints = critical, CA:TRUE",
                "keyUsage = critical, keyCertSign, cRLSign"));
        openssl(dir, "req", "-x509", "-config", conf.toString(), "-extensions", "ext", "-newkey", "rsa:2048",
                "-nodes", "-keyout", key.toString(), "-out", cert.toString(), "-days", "2");
    }

    private static void signed(Path dir, String name, List<String> dn, String usage, Path caKey, Path caCert,
                               Path key, Path cert) throws IOException, InterruptedException {
        Path conf = requestConfig(dir, name, dn, List.of("basicConstraints = CA:FALSE",
                "keyUsage = critical, digitalSignature, keyEncipherment", "extendedKeyUsage = " + usage));
        Path csr = dir.resolve(name + ".csr");
        openssl(dir, "req", "-new", "-config", conf.toString(), "-newkey", "rsa:2048", "-nodes",
                "-keyout", key.toString(), "-out", csr.toString());
        openssl(dir, "x509", "-req", "-in", csr.toString(), "-CA", caCert.toString(), "-CAkey", caKey.toString(),
                "-CAcreateserial", "-days", "2", "-extfile", conf.toString(), "-extensions", "ext",
                "-out", cert.toString());
    }

    private static Path requestConfig(Path dir, String name, List<String> dn, List<String> extensions)
            throws IOException {
        List<String> lines = new ArrayList<>(List.of("[req]", "distinguished_name = dn", "prompt = no",
                "utf8 = yes", "string_mask = utf8only", "[dn]"));
        lines.addAll(dn);
        lines.add("[ext]");
        lines.addAll(extensions);
        Path conf = dir.resolve(name + ".cnf");
        Files.write(conf, lines, StandardCharsets.UTF_8);
        return conf;
    }

    static String openssl(Path dir, String... args) throws IOException, InterruptedException {
        return TestPki.openssl(dir, args);
    }
}
