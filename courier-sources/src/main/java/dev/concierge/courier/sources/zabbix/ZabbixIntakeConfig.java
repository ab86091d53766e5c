package dev.concierge.courier.sources.zabbix;

import dev.concierge.courier.sources.intake.IntakeTls;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * {@code type: zabbix_intake}, bound by {@link ZabbixIntakeSourceType}; defaults here and in {@code sample.yaml}.
 *
 * @param name                   the source's name
 * @param host                   the address to listen on
 * @param port                   the port; 0 picks a free one (tests)
 * @param allowed                clients allowed, Zabbix {@code Allowed hosts} entries; empty for loopback only
 * @param maxRequestBytes        the largest request taken, compressed and inflated
 * @param maxConnections         the most connections open at once
 * @param requestTimeout         the longest from connecting to the end of the request
 * @param acknowledgementTimeout the longest a request waits for its values to be durable before it is answered
 *                               as failed
 * @param tls                    certificates for TLS; null for plain text only
 * @param acceptsUnencrypted     with TLS, whether plain-text clients are taken on the same port too (Zabbix's
 *                               {@code TLSAccept=unencrypted,cert})
 */
public record ZabbixIntakeConfig(String name, String host, int port, List<String> allowed, int maxRequestBytes,
                                 int maxConnections, Duration requestTimeout, Duration acknowledgementTimeout,
                                 IntakeTls tls, boolean acceptsUnencrypted) {
    public static final String TYPE = "zabbix_intake";
    public static final String DEFAULT_LISTEN = "127.0.0.1:10051";
    public static final int DEFAULT_PORT = 10051;
    /** Far below the server's 1 GiB: zabbix_sender sends 250 values a request. */
    public static final int DEFAULT_MAX_REQUEST_BYTES = 16 << 20;
    public static final int DEFAULT_MAX_CONNECTIONS = 64;
    /** zabbix_sender writes its whole request at once; a client still sending after this is cut off. */
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);
    /** Below zabbix_sender's own 60 s I/O timeout (7.x; {@code -t}), so that it reads the answer. */
    public static final Duration DEFAULT_ACKNOWLEDGEMENT_TIMEOUT = Duration.ofSeconds(20);
    /** How often a listen that failed (the port in use) is tried again. */
    public static final Duration LISTEN_RETRY_INTERVAL = Duration.ofSeconds(5);

    public ZabbixIntakeConfig {
        Objects.requireNonNull(host, "host");
        allowed = List.copyOf(allowed);
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        Objects.requireNonNull(acknowledgementTimeout, "acknowledgementTimeout");
    }

    /** A plain-text intake on {@code host:port} with every other default. */
    public static ZabbixIntakeConfig of(String name, String host, int port) {
        return new ZabbixIntakeConfig(name, host, port, List.of(), DEFAULT_MAX_REQUEST_BYTES, DEFAULT_MAX_CONNECTIONS,
                DEFAULT_REQUEST_TIMEOUT, DEFAULT_ACKNOWLEDGEMENT_TIMEOUT, null, false);
    }
}
