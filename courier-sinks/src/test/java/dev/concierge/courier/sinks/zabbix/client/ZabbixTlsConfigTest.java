package dev.concierge.courier.sinks.zabbix.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.concierge.courier.sinks.zabbix.client.ZabbixTlsConfig.Connect;
import dev.concierge.courier.sinks.zabbix.client.ZabbixTlsConfig.FileProblem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ZabbixTlsConfigTest {

    @TempDir
    static Path dir;

    private static TestCertificates certs;

    @BeforeAll
    static void makeCertificates() throws Exception {
        certs = TestCertificates.create(dir);
    }

    @Test
    void readsPkcs1RsaKeyAsTheSameKeyAsItsPkcs8Form() throws Exception {
        assertThat(Files.readString(certs.clientPkcs1Key())).startsWith("-----BEGIN RSA PRIVATE KEY-----");
        assertThat(Files.readString(certs.clientKey())).startsWith("-----BEGIN PRIVATE KEY-----");

        assertThat(ZabbixPemFiles.privateKey(certs.clientPkcs1Key()).getEncoded())
                .isEqualTo(ZabbixPemFiles.privateKey(certs.clientKey()).getEncoded());
    }

    @Test
    void buildsAContextWithEitherKeyForm() {
        for (Path key : List.of(certs.clientKey(), certs.clientPkcs1Key())) {
            ZabbixTlsConfig tls = ZabbixTlsConfig.cert(certs.caCert(), certs.clientCert(), key);

            assertThat(tls.fileProblems()).isEmpty();
            assertThat(tls.sslContext().isClient()).isTrue();
        }
    }

    @Test
    void refusesEncryptedKeysNamingTheConversion() throws Exception {
        Path encrypted = dir.resolve("encrypted.key");
        TestCertificates.openssl(dir, "pkcs8", "-topk8", "-in", certs.clientKey().toString(), "-passout", "pass:secret",
                "-out", encrypted.toString());
        Path legacyEncrypted = dir.resolve("legacy-encrypted.key");
        TestCertificates.openssl(dir, "rsa", "-in", certs.clientKey().toString(), "-traditional", "-aes128",
                "-passout", "pass:secret", "-out", legacyEncrypted.toString());

        for (Path key : List.of(encrypted, legacyEncrypted)) {
            assertThat(ZabbixTlsConfig.cert(certs.caCert(), certs.clientCert(), key).fileProblems())
                    .singleElement().satisfies(p -> {
                        assertThat(p.key()).isEqualTo("key_file");
                        assertThat(p.expected()).contains("is encrypted")
                                .contains("openssl pkcs8 -topk8 -nocrypt -in <key> -out <new key>");
                    });
        }
    }

    @Test
    void reportsEveryFileProblemAtOnce() {
        Path missing = dir.resolve("no-such-ca.crt");
        // A key where the certificate should be, and the server's key for the client's certificate.
        ZabbixTlsConfig tls = ZabbixTlsConfig.cert(missing, certs.clientKey(), certs.serverKey());
        assertThat(tls.fileProblems()).extracting(FileProblem::toString).containsExactly(
                "tls.ca_file: " + missing + " (expected: a readable PEM file of CA certificates: no such file)",
                "tls.cert_file: " + certs.clientKey() + " (expected: a readable PEM file, the certificate first: "
                        + "no -----BEGIN CERTIFICATE----- block)");

        ZabbixTlsConfig mixedUp = ZabbixTlsConfig.cert(certs.caCert(), certs.clientCert(), certs.serverKey());
        assertThat(mixedUp.fileProblems()).extracting(FileProblem::toString).containsExactly(
                "tls.key_file: " + certs.serverKey() + " (expected: the private key of the certificate in "
                        + certs.clientCert() + ")");
        assertThatThrownBy(mixedUp::sslContext).isInstanceOf(IllegalArgumentException.class)
                .hasMessage(mixedUp.fileProblems().get(0).toString());
    }

    @Test
    void reportsEveryMissingOrMisplacedSettingAtOnce() {
        assertThatThrownBy(() -> new ZabbixTlsConfig(Connect.CERT, null, null, null, "CN=x", null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("invalid zabbix tls:"
                        + "\n  tls.ca_file: absent (expected: a PEM file of the CA certificates that signed the server's, with connect cert)"
                        + "\n  tls.cert_file: absent (expected: a PEM file of this sink's certificate, with connect cert)"
                        + "\n  tls.key_file: absent (expected: a PEM file of that certificate's private key, with connect cert)");
        assertThatThrownBy(() -> new ZabbixTlsConfig(Connect.UNENCRYPTED, Path.of("/ca.crt"), null, null, null, "CN=x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("invalid zabbix tls:"
                        + "\n  tls.ca_file: /ca.crt (expected: absent with connect unencrypted)"
                        + "\n  tls.server_cert_subject: CN=x (expected: absent with connect unencrypted)");
    }

    @Test
    void emptyIssuerAndSubjectMeanNotCheckedAsInZabbix() {
        ZabbixTlsConfig tls = ZabbixTlsConfig.cert(certs.caCert(), certs.clientCert(), certs.clientKey())
                .withServerCertIssuer("").withServerCertSubject("");

        assertThat(tls.serverCertIssuer()).isNull();
        assertThat(tls.serverCertSubject()).isNull();
        assertThat(ZabbixTlsConfig.UNENCRYPTED.encrypted()).isFalse();
        assertThatThrownBy(ZabbixTlsConfig.UNENCRYPTED::sslContext).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void printsSubjectsAndIssuersAsOpensslDoesForZabbix() throws Exception {
        assertThat(name(certs.caCert(), "-subject")).isEqualTo(TestCertificates.CA_SUBJECT);
        assertThat(name(certs.serverCert(), "-subject")).isEqualTo(TestCertificates.SERVER_SUBJECT);
        assertThat(name(certs.serverCert(), "-issuer")).isEqualTo(TestCertificates.CA_SUBJECT);
        assertThat(name(certs.clientCert(), "-subject")).isEqualTo(TestCertificates.CLIENT_SUBJECT);

        for (Path cert : List.of(certs.caCert(), certs.serverCert(), certs.clientCert(), certs.otherCaCert())) {
            var x509 = ZabbixPemFiles.certificates(cert).get(0);
            assertThat(ZabbixCertificateNames.format(x509.getSubjectX500Principal())).as("subject of %s", cert)
                    .isEqualTo(name(cert, "-subject"));
            assertThat(ZabbixCertificateNames.format(x509.getIssuerX500Principal())).as("issuer of %s", cert)
                    .isEqualTo(name(cert, "-issuer"));
        }
    }

    @Test
    void escapesAsRfc4514AndOpensslDo() {
        var name = new javax.security.auth.x500.X500Principal(
                "CN=\\ lead and trail\\ ,OU=\\#hash\\;semi\\<\\>,O=quote\\\"back\\\\slash,EMAILADDRESS=ops@example.org,C=LV");

        assertThat(ZabbixCertificateNames.format(name)).isEqualTo(
                "CN=\\ lead and trail\\ ,OU=\\#hash\\;semi\\<\\>,O=quote\\\"back\\\\slash,emailAddress=ops@example.org,C=LV");
    }

    /** What Zabbix built with OpenSSL compares: X509_NAME_print_ex with XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB. */
    private static String name(Path cert, String which) throws Exception {
        String out = TestCertificates.openssl(dir, "x509", "-noout", which, "-nameopt", "RFC2253,-esc_msb",
                "-in", cert.toString());
        return out.strip().replaceFirst("^(subject|issuer)=", "");
    }
}
