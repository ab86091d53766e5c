package dev.concierge.courier.app.send;

import dev.concierge.courier.sinks.zabbix.client.ZabbixTlsConfig;
import dev.concierge.courier.sinks.zabbix.client.ZabbixTlsConfig.FileProblem;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * {@code zabbix_sender}'s TLS parameters as given, by the agent configuration file ({@code TLSConnect=cert})
 * or on the command line ({@code --tls-connect cert}): the text, null when not given.
 *
 * <p>{@link #overriddenBy} merges the two one parameter at a time, the command line winning, as
 * {@code zabbix_sender} 6.0.14 does (a {@code --tls-ca-file} replaces {@code TLSCAFile} and keeps the file's
 * {@code TLSCertFile}). {@link #toConfig} checks them in {@code zabbix_sender}'s order and with its messages
 * (Zabbix's {@code zbx_tls_validate_config}), so the first problem reported is the one it reports.
 *
 * <p>{@code psk} takes {@code TLSPSKIdentity} and {@code TLSPSKFile} (the key in hex, as Zabbix reads it;
 * a file others may read is refused). Refused, where {@code zabbix_sender} would use it: a revocation list
 * with {@code cert}, which would otherwise be ignored without a word. With {@code unencrypted} the files are
 * not read, as {@code zabbix_sender} does not read them.
 */
public record SenderTlsOptions(String connect, String caFile, String crlFile, String serverCertIssuer,
                               String serverCertSubject, String certFile, String keyFile, String pskIdentity,
                               String pskFile) {

    /** No TLS parameter given. */
    public static final SenderTlsOptions NONE = new SenderTlsOptions(null, null, null, null, null, null, null,
            null, null);

    /** One parameter, in the order {@code zabbix_sender} checks them for empty values. */
    private enum Parameter {
        CONNECT("TLSConnect", "--tls-connect", SenderTlsOptions::connect),
        CA_FILE("TLSCAFile", "--tls-ca-file", SenderTlsOptions::caFile),
        CRL_FILE("TLSCRLFile", "--tls-crl-file", SenderTlsOptions::crlFile),
        SERVER_CERT_ISSUER("TLSServerCertIssuer", "--tls-server-cert-issuer", SenderTlsOptions::serverCertIssuer),
        SERVER_CERT_SUBJECT("TLSServerCertSubject", "--tls-server-cert-subject", SenderTlsOptions::serverCertSubject),
        CERT_FILE("TLSCertFile", "--tls-cert-file", SenderTlsOptions::certFile),
        KEY_FILE("TLSKeyFile", "--tls-key-file", SenderTlsOptions::keyFile),
        PSK_IDENTITY("TLSPSKIdentity", "--tls-psk-identity", SenderTlsOptions::pskIdentity),
        PSK_FILE("TLSPSKFile", "--tls-psk-file", SenderTlsOptions::pskFile);

        final String configName;
        final String option;
        final Function<SenderTlsOptions, String> value;

        Parameter(String configName, String option, Function<SenderTlsOptions, String> value) {
            this.configName = configName;
            this.option = option;
            this.value = value;
        }

        /** {@code "TLSCAFile" or "--tls-ca-file"}, as zabbix_sender names a parameter. */
        String names() {
            return "\"" + configName + "\" or \"" + option + "\"";
        }
    }

    /** The agent configuration file's names of the parameters, e.g. {@code TLSConnect}. */
    static List<String> configNames() {
        return List.of(Parameter.values()).stream().map(p -> p.configName).toList();
    }

    /** The parameters from an agent configuration file: value by name as in {@link #configNames()}. */
    static SenderTlsOptions ofConfigFile(Map<String, String> byConfigName) {
        Function<Parameter, String> get = p -> byConfigName.get(p.configName);
        return new SenderTlsOptions(get.apply(Parameter.CONNECT), get.apply(Parameter.CA_FILE),
                get.apply(Parameter.CRL_FILE), get.apply(Parameter.SERVER_CERT_ISSUER),
                get.apply(Parameter.SERVER_CERT_SUBJECT), get.apply(Parameter.CERT_FILE),
                get.apply(Parameter.KEY_FILE), get.apply(Parameter.PSK_IDENTITY), get.apply(Parameter.PSK_FILE));
    }

    /** These parameters, each replaced by {@code commandLine}'s where that is given. */
    public SenderTlsOptions overriddenBy(SenderTlsOptions commandLine) {
        return new SenderTlsOptions(
                or(commandLine.connect, connect),
                or(commandLine.caFile, caFile),
                or(commandLine.crlFile, crlFile),
                or(commandLine.serverCertIssuer, serverCertIssuer),
                or(commandLine.serverCertSubject, serverCertSubject),
                or(commandLine.certFile, certFile),
                or(commandLine.keyFile, keyFile),
                or(commandLine.pskIdentity, pskIdentity),
                or(commandLine.pskFile, pskFile));
    }

    private static String or(String commandLine, String configFile) {
        return commandLine != null ? commandLine : configFile;
    }

    /**
     * What to connect with. Reads no file: see {@link #fileErrors}.
     *
     * @throws IllegalArgumentException with {@code zabbix_sender}'s message for the first problem, or ours for
     *                                  what is refused
     */
    public ZabbixTlsConfig toConfig() {
        for (Parameter p : Parameter.values()) {
            String value = p.value.apply(this);
            if (value != null && value.isEmpty()) {
                throw new IllegalArgumentException("configuration parameter " + p.names() + " is defined but empty");
            }
        }
        if (connect != null && !connect.equals("unencrypted") && !connect.equals("cert") && !connect.equals("psk")) {
            throw new IllegalArgumentException("invalid value of " + Parameter.CONNECT.names() + " parameter");
        }
        // Zabbix's zbx_tls_validate_config, in its order.
        requireWith(certFile, Parameter.CERT_FILE, keyFile, Parameter.KEY_FILE);
        requireWith(keyFile, Parameter.KEY_FILE, certFile, Parameter.CERT_FILE);
        requireWith(certFile, Parameter.CERT_FILE, caFile, Parameter.CA_FILE);
        requireWith(caFile, Parameter.CA_FILE, certFile, Parameter.CERT_FILE);
        requireWith(crlFile, Parameter.CRL_FILE, certFile, Parameter.CERT_FILE);
        requireWith(serverCertIssuer, Parameter.SERVER_CERT_ISSUER, certFile, Parameter.CERT_FILE);
        requireWith(serverCertSubject, Parameter.SERVER_CERT_SUBJECT, certFile, Parameter.CERT_FILE);
        requireWith(pskIdentity, Parameter.PSK_IDENTITY, pskFile, Parameter.PSK_FILE);
        requireWith(pskFile, Parameter.PSK_FILE, pskIdentity, Parameter.PSK_IDENTITY);
        requireWith(certFile, Parameter.CERT_FILE, connect, Parameter.CONNECT);
        requireWith(pskFile, Parameter.PSK_FILE, connect, Parameter.CONNECT);
        if ("cert".equals(connect) && certFile == null) {
            throw new IllegalArgumentException("parameter " + Parameter.CONNECT.names() + " value requires "
                    + Parameter.CERT_FILE.names() + ", but neither of them is defined");
        }
        if ("psk".equals(connect) && pskFile == null) {
            throw new IllegalArgumentException("parameter " + Parameter.CONNECT.names() + " value requires "
                    + Parameter.PSK_FILE.names() + ", but neither of them is defined");
        }
        if ("psk".equals(connect)) {
            return ZabbixTlsConfig.psk(pskIdentity, Path.of(pskFile));
        }
        if (!"cert".equals(connect)) {
            return ZabbixTlsConfig.UNENCRYPTED;
        }
        if (crlFile != null) {
            throw new IllegalArgumentException("parameter " + Parameter.CRL_FILE.names() + " is not supported: "
                    + "certificate revocation lists are not checked; leave it out or use zabbix_sender");
        }
        return new ZabbixTlsConfig(ZabbixTlsConfig.Connect.CERT, Path.of(caFile), Path.of(certFile),
                Path.of(keyFile), serverCertIssuer, serverCertSubject);
    }

    private static void requireWith(String value, Parameter parameter, String required, Parameter requiredParameter) {
        if (value != null && required == null) {
            throw new IllegalArgumentException("parameter " + parameter.names() + " is defined, but neither \""
                    + requiredParameter.configName + "\" nor \"" + requiredParameter.option + "\" is defined");
        }
    }

    /**
     * Why {@code tls}'s files cannot be used, worded as {@code zabbix_sender} words it, with our reasons: a
     * line for the PSK file, or for the CA file, and one for the certificate and key files together, as {@code zabbix_sender}
     * loads them together. Empty when they can be used, and always for {@code unencrypted}. Reads the files.
     */
    static List<String> fileErrors(ZabbixTlsConfig tls) {
        List<String> ca = new ArrayList<>();
        List<String> certAndKey = new ArrayList<>();
        List<String> psk = new ArrayList<>();
        for (FileProblem problem : tls.fileProblems()) {
            switch (problem.key()) {
                case "psk_file" -> psk.add(problem.expected().endsWith(": no such file")
                        ? "cannot open file \"" + problem.file() + "\": [2] No such file or directory"
                        : "cannot read PSK from file \"" + problem.file() + "\": expected " + problem.expected());
                case "ca_file" -> ca.add("expected " + problem.expected());
                case "cert_file" -> certAndKey.add("certificate: expected " + problem.expected());
                default -> certAndKey.add("key: expected " + problem.expected());
            }
        }
        List<String> errors = new ArrayList<>(psk);
        if (!ca.isEmpty()) {
            errors.add("cannot parse CA certificate(s) in file \"" + tls.caFile() + "\": " + String.join("; ", ca));
        }
        if (!certAndKey.isEmpty()) {
            errors.add("cannot load certificate or private key from file \"" + tls.certFile() + "\" or \""
                    + tls.keyFile() + "\": " + String.join("; ", certAndKey));
        }
        return errors;
    }
}
