package dev.concierge.courier.sources.zabbix;

import dev.concierge.courier.core.settings.ByteSize;
import dev.concierge.courier.core.settings.HostPort;
import dev.concierge.courier.core.settings.Settings;
import dev.concierge.courier.core.spi.PluginContext;
import dev.concierge.courier.core.spi.Source;
import dev.concierge.courier.core.spi.SourceType;
import dev.concierge.courier.sources.intake.AllowedPeers;
import dev.concierge.courier.sources.intake.IntakeTls;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** {@code type: zabbix_intake}: a local Zabbix trapper for {@code zabbix_sender}; see {@code sample.yaml}. */
public final class ZabbixIntakeSourceType implements SourceType<ZabbixIntakeConfig> {

    @Override
    public String name() {
        return ZabbixIntakeConfig.TYPE;
    }

    @Override
    public ZabbixIntakeConfig bind(Settings settings, PluginContext context) {
        int before = settings.problemCount();
        settings.expectKeys("listen", "allowed", "max_request_size", "max_connections", "request_timeout",
                "ack_timeout", "tls_cert_file", "tls_key_file", "tls_ca_file", "tls_accept_unencrypted");
        String listenText = settings.optionalString("listen", ZabbixIntakeConfig.DEFAULT_LISTEN);
        HostPort listen = null;
        try {
            listen = HostPort.parse(listenText, ZabbixIntakeConfig.DEFAULT_PORT);
        } catch (IllegalArgumentException e) {
            settings.problem("listen", listenText, HostPort.EXPECTED);
        }
        List<String> allowed = new ArrayList<>(settings.optionalStringList("allowed"));
        for (String entry : allowed) {
            String problem = AllowedPeers.problem(entry);
            if (problem != null) {
                settings.problem("allowed", entry, "an IP address, a CIDR block such as 10.0.0.0/8, or a DNS name");
            }
        }
        ByteSize maxRequest = settings.optionalSize("max_request_size",
                ByteSize.ofBytes(ZabbixIntakeConfig.DEFAULT_MAX_REQUEST_BYTES));
        if (maxRequest.bytes() < 1 || maxRequest.bytes() > 1L << 30) {
            settings.problem("max_request_size", maxRequest.toString(), "1 byte to 1GiB, the server's own limit");
        }
        int maxConnections = settings.optionalInt("max_connections", 1, 65_535,
                ZabbixIntakeConfig.DEFAULT_MAX_CONNECTIONS);
        Duration requestTimeout = positive(settings, "request_timeout", ZabbixIntakeConfig.DEFAULT_REQUEST_TIMEOUT);
        Duration ackTimeout = positive(settings, "ack_timeout", ZabbixIntakeConfig.DEFAULT_ACKNOWLEDGEMENT_TIMEOUT);
        String cert = settings.optionalString("tls_cert_file", null);
        String key = settings.optionalString("tls_key_file", null);
        String ca = settings.optionalString("tls_ca_file", null);
        boolean acceptsUnencrypted = settings.optionalBoolean("tls_accept_unencrypted", false);
        if ((cert == null) != (key == null)) {
            settings.problem(cert == null ? "tls_key_file without tls_cert_file" : "tls_cert_file without tls_key_file",
                    "both, or neither");
        }
        if (cert == null && ca != null) {
            settings.problem("tls_ca_file", ca, "only with tls_cert_file and tls_key_file");
        }
        if (settings.problemCount() > before) {
            return null;
        }
        IntakeTls tls = cert == null ? null : new IntakeTls(Path.of(cert), Path.of(key), ca == null ? null : Path.of(ca));
        HostPort at = listen;
        return settings.build(() -> new ZabbixIntakeConfig(context.name(), at.host(), at.port(), allowed,
                (int) maxRequest.bytes(), maxConnections, requestTimeout, ackTimeout, tls, acceptsUnencrypted));
    }

    private static Duration positive(Settings settings, String key, Duration defaultValue) {
        Duration value = settings.optionalDuration(key, defaultValue);
        if (value != null && (value.isZero() || value.isNegative())) {
            settings.problem(key, value.toString(), "a duration above zero such as 10s");
        }
        return value;
    }

    @Override
    public Duration interval(ZabbixIntakeConfig config) {
        return ZabbixIntakeConfig.LISTEN_RETRY_INTERVAL;
    }

    @Override
    public String summary(ZabbixIntakeConfig config) {
        return "zabbix_sender intake on " + config.host() + ":" + config.port() + " (allowed: "
                + (config.allowed().isEmpty() ? "loopback only" : String.join(", ", config.allowed()))
                + (config.tls() == null ? "" : "; TLS") + ")";
    }

    @Override
    public Source create(ZabbixIntakeConfig config) {
        return ZabbixIntakeSource.create(config);
    }

    @Override
    public List<Path> watchedFiles(ZabbixIntakeConfig config) {
        if (config.tls() == null) {
            return List.of();
        }
        List<Path> files = new ArrayList<>(List.of(config.tls().certFile(), config.tls().keyFile()));
        if (config.tls().caFile() != null) {
            files.add(config.tls().caFile());
        }
        return files;
    }
}
