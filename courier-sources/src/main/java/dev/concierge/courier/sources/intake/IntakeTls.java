package dev.concierge.courier.sources.intake;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.nio.file.Path;

/**
 * TLS with certificates for an intake: the server certificate chain and its PKCS#8 key in PEM files, and,
 * when a CA file is given, client certificates required and checked against it (as a Zabbix server with
 * {@code TLSAccept=cert} checks {@code zabbix_sender --tls-connect cert}). PSK is not offered: JSSE has no PSK
 * cipher suites (see the Zabbix sink's client package for that decision).
 *
 * @param certFile the server's certificate chain, PEM
 * @param keyFile  its private key, PEM, PKCS#8 ({@code openssl genpkey} writes it)
 * @param caFile   the CA that client certificates must chain to; null to ask for none
 */
public record IntakeTls(Path certFile, Path keyFile, Path caFile) {

    /**
     * Reads the files and builds the server context.
     *
     * @throws IOException naming the file that could not be read or used
     */
    public SslContext serverContext() throws IOException {
        try {
            SslContextBuilder builder = SslContextBuilder.forServer(certFile.toFile(), keyFile.toFile());
            if (caFile != null) {
                builder.trustManager(caFile.toFile()).clientAuth(ClientAuth.REQUIRE);
            }
            return builder.protocols("TLSv1.3", "TLSv1.2").build();
        } catch (IllegalArgumentException | javax.net.ssl.SSLException e) {
            throw new IOException("tls: cannot use " + certFile + ", " + keyFile
                    + (caFile == null ? "" : ", " + caFile) + ": " + e.getMessage(), e);
        }
    }
}
