package dev.concierge.courier.sinks.zabbix.client;

import dev.concierge.courier.core.tls.PemFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * Reads the PEM files a Zabbix sender uses ({@code TLSCAFile}, {@code TLSCertFile}, {@code TLSKeyFile}): the
 * courier's one PEM reader, {@link PemFiles}, which every TLS client of the courier shares. Private keys may be
 * PKCS#8, PKCS#1 RSA or SEC 1 EC; encrypted keys are refused, as Zabbix refuses them. Stateless.
 */
final class ZabbixPemFiles {

    private ZabbixPemFiles() {
    }

    /** See {@link PemFiles#certificates}. */
    static List<X509Certificate> certificates(Path file) throws IOException {
        return PemFiles.certificates(file);
    }

    /** See {@link PemFiles#privateKey}. */
    static PrivateKey privateKey(Path file) throws IOException {
        return PemFiles.privateKey(file);
    }
}
