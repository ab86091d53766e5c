package dev.concierge.courier.core.tls;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A private CA and the certificates a TLS test needs, made with {@code /usr/bin/openssl} into a directory: a
 * server certificate for {@value #SERVER_NAME}, {@code localhost} and {@code 127.0.0.1}; a client certificate
 * whose key is written as PKCS#8, PKCS#1 and, for a second client, SEC 1 EC; and a CA that signed nothing of
 * them. Shared with courier-sources and courier-sinks tests through the test-jar.
 *
 * @param dir             where the files are
 * @param caCert          the CA certificate, PEM
 * @param serverCert      the server's certificate (SAN DNS:{@value #SERVER_NAME}, DNS:localhost, IP:127.0.0.1)
 * @param serverKey       its key
 * @param otherNameCert   a server certificate signed by the same CA for {@value #OTHER_NAME} only
 * @param otherNameKey    its key
 * @param clientCert      the client's certificate, CN {@value #CLIENT_CN}
 * @param clientKey       its key, PKCS#8 ({@code BEGIN PRIVATE KEY})
 * @param clientPkcs1Key  the same key as PKCS#1 ({@code BEGIN RSA PRIVATE KEY})
 * @param ecClientCert    a second client certificate with a P-256 key
 * @param ecClientSec1Key that key as SEC 1 ({@code BEGIN EC PRIVATE KEY})
 * @param otherCaCert     a CA certificate that signed none of the above
 */
public record TestPki(Path dir, Path caCert, Path serverCert, Path serverKey, Path otherNameCert, Path otherNameKey,
                      Path clientCert, Path clientKey, Path clientPkcs1Key, Path ecClientCert, Path ecClientSec1Key,
                      Path otherCaCert) {

    public static final String SERVER_NAME = "exporter.courier.test";
    public static final String OTHER_NAME = "elsewhere.courier.test";
    public static final String CLIENT_CN = "courier-scraper";
    private static final String OPENSSL = "/usr/bin/openssl";

    /** Makes every file in {@code dir}; a few seconds of key generation on a busy machine. */
    public static TestPki create(Path dir) throws IOException, InterruptedException {
        Path caKey = dir.resolve("ca.key");
        Path caCert = dir.resolve("ca.crt");
        selfSigned(dir, "ca", "Courier Test Scrape CA", caKey, caCert);
        Path otherKey = dir.resolve("other-ca.key");
        Path otherCa = dir.resolve("other-ca.crt");
        selfSigned(dir, "other-ca", "Somebody Else's CA", otherKey, otherCa);

        Path serverKey = dir.resolve("server.key");
        Path serverCert = dir.resolve("server.crt");
        signed(dir, "server", "rsa:2048", SERVER_NAME, "serverAuth",
                "subjectAltName = DNS:" + SERVER_NAME + ", DNS:localhost, IP:127.0.0.1", caKey, caCert, serverKey,
                serverCert);
        Path otherNameKey = dir.resolve("other-name.key");
        Path otherNameCert = dir.resolve("other-name.crt");
        signed(dir, "other-name", "rsa:2048", OTHER_NAME, "serverAuth", "subjectAltName = DNS:" + OTHER_NAME, caKey,
                caCert, otherNameKey, otherNameCert);
        Path clientKey = dir.resolve("client.key");
        Path clientCert = dir.resolve("client.crt");
        signed(dir, "client", "rsa:2048", CLIENT_CN, "clientAuth", null, caKey, caCert, clientKey, clientCert);
        Path pkcs1 = dir.resolve("client-pkcs1.key");
        openssl(dir, "rsa", "-in", clientKey.toString(), "-traditional", "-out", pkcs1.toString());
        Path ecKey = dir.resolve("ec-client.key");
        Path ecCert = dir.resolve("ec-client.crt");
        signed(dir, "ec-client", "ec", CLIENT_CN + "-ec", "clientAuth", null, caKey, caCert, ecKey, ecCert);
        Path sec1 = dir.resolve("ec-client-sec1.key");
        openssl(dir, "ec", "-in", ecKey.toString(), "-out", sec1.toString());
        return new TestPki(dir, caCert, serverCert, serverKey, otherNameCert, otherNameKey, clientCert, clientKey, pkcs1,
                ecCert, sec1, otherCa);
    }

    private static void selfSigned(Path dir, String name, String cn, Path key, Path cert)
            throws IOException, InterruptedException {
        Path conf = requestConfig(dir, name, cn, List.of("basicConstraints = critical, CA:TRUE",
                "keyUsage = critical, keyCertSign, cRLSign"));
        openssl(dir, "req", "-x509", "-config", conf.toString(), "-extensions", "ext", "-newkey", "rsa:2048",
                "-nodes", "-keyout", key.toString(), "-out", cert.toString(), "-days", "2");
    }

    private static void signed(Path dir, String name, String keyType, String cn, String usage, String san, Path caKey,
                               Path caCert, Path key, Path cert) throws IOException, InterruptedException {
        List<String> extensions = new ArrayList<>(List.of("basicConstraints = CA:FALSE",
                "keyUsage = critical, digitalSignature, keyEncipherment", "extendedKeyUsage = " + usage));
        if (san != null) {
            extensions.add(san);
        }
        Path conf = requestConfig(dir, name, cn, extensions);
        Path csr = dir.resolve(name + ".csr");
        List<String> newKey = keyType.equals("ec")
                ? List.of("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256")
                : List.of("-newkey", keyType);
        List<String> request = new ArrayList<>(List.of("req", "-new", "-config", conf.toString()));
        request.addAll(newKey);
        request.addAll(List.of("-nodes", "-keyout", key.toString(), "-out", csr.toString()));
        openssl(dir, request.toArray(new String[0]));
        openssl(dir, "x509", "-req", "-in", csr.toString(), "-CA", caCert.toString(), "-CAkey", caKey.toString(),
                "-CAcreateserial", "-days", "2", "-extfile", conf.toString(), "-extensions", "ext",
                "-out", cert.toString());
    }

    private static Path requestConfig(Path dir, String name, String cn, List<String> extensions) throws IOException {
        List<String> lines = new ArrayList<>(List.of("[req]", "distinguished_name = dn", "prompt = no", "[dn]",
                "O = Concierge Courier Tests", "CN = " + cn, "[ext]"));
        lines.addAll(extensions);
        Path conf = dir.resolve(name + ".cnf");
        Files.write(conf, lines, StandardCharsets.UTF_8);
        return conf;
    }

    /** Runs openssl; its output goes to a file, and into the exception when it fails. */
    public static String openssl(Path dir, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(OPENSSL));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(dir, "openssl-", ".out");
        try {
            Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(out.toFile()).start();
            if (!p.waitFor(2, TimeUnit.MINUTES)) {
                p.destroyForcibly().waitFor();
                throw new IOException(String.join(" ", command) + ": no exit within 2 minutes");
            }
            String output = Files.readString(out, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new IOException(String.join(" ", command) + ": exit " + p.exitValue() + "\n" + output);
            }
            return output;
        } finally {
            Files.deleteIfExists(out);
        }
    }
}
