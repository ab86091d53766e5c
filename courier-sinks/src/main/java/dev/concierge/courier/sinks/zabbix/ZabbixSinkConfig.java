package dev.concierge.courier.sinks.zabbix;

import dev.concierge.courier.core.naming.NameEscaping;
import dev.concierge.courier.core.settings.InvalidSettingsException;
import dev.concierge.courier.core.settings.SettingProblem;
import dev.concierge.courier.sinks.zabbix.client.ZabbixServerNodes;
import dev.concierge.courier.sinks.zabbix.client.ZabbixTlsConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The configuration of one Zabbix sink; the keys of {@code sample.yaml} beside this package. Immutable;
 * {@link #of} applies the defaults, which live here and nowhere else.
 *
 * @param name            the sink's name, unique among sinks
 * @param servers         the Zabbix server or proxy to send to, or the nodes of an HA cluster; port 10051 by
 *                        default
 * @param host            the Zabbix host name to send every value for; null = each sample's own host
 * @param maxRowsPerFrame the most rows in one request (one TCP connection)
 * @param maxInFlight     the most connections open at once, across all batches
 * @param connectTimeout  how long to wait for the TCP connection
 * @param readTimeout     how long to wait, once connected, for the whole reply
 * @param compression     send zlib-compressed frames (flag 0x03) when that makes them shorter
 * @param tls             how connections are secured; null = {@link ZabbixTlsConfig#UNENCRYPTED}
 * @param nameEscaping   how Prometheus names outside the legacy set are escaped before keys, paths or lines
 *                       are rendered ({@code name_escaping}); null = {@link NameEscaping#DEFAULT}
 */
public record ZabbixSinkConfig(String name, ZabbixServerNodes servers, String host, int maxRowsPerFrame,
                               int maxInFlight, Duration connectTimeout, Duration readTimeout,
                               boolean compression, ZabbixTlsConfig tls,
        NameEscaping nameEscaping) {

    /** {@code ZBX_DEFAULT_SERVER_PORT}. */
    public static final int DEFAULT_SERVER_PORT = 10051;
    public static final int DEFAULT_MAX_ROWS_PER_FRAME = 1000;
    public static final int DEFAULT_MAX_IN_FLIGHT = 4;
    /** zabbix_sender's connect timeout. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(3);
    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(15);
    public static final boolean DEFAULT_COMPRESSION = false;

    /** Rows per frame above this make one request take long enough to risk the server's timeouts. */
    static final int MAX_ROWS_PER_FRAME = 100_000;
    static final int MAX_IN_FLIGHT = 256;

    /** With the default {@link NameEscaping#DEFAULT}. */
    public ZabbixSinkConfig(String name, ZabbixServerNodes servers, String host, int maxRowsPerFrame,
                            int maxInFlight, Duration connectTimeout, Duration readTimeout,
                            boolean compression, ZabbixTlsConfig tls) {
        this(name, servers, host, maxRowsPerFrame, maxInFlight, connectTimeout, readTimeout, compression, tls, NameEscaping.DEFAULT);
    }

    /** @throws IllegalArgumentException listing every invalid field, one {@code field: found (expected: rule)} each */
    public ZabbixSinkConfig {
        nameEscaping = nameEscaping == null ? NameEscaping.DEFAULT : nameEscaping;
        tls = tls == null ? ZabbixTlsConfig.UNENCRYPTED : tls;
        List<SettingProblem> problems = new ArrayList<>();
        if (name == null || name.isBlank()) {
            problems.add(SettingProblem.of("name", quote(name), "a non-empty name"));
        }
        if (servers == null) {
            problems.add(SettingProblem.of("server", "null", ZabbixServerNodes.EXPECTED));
        }
        if (host != null && (host.isBlank() || host.length() > 128)) {
            problems.add(SettingProblem.of("host", quote(host), "absent, or 1..128 characters, ZBX_MAX_HOSTNAME_LEN"));
        }
        if (maxRowsPerFrame < 1 || maxRowsPerFrame > MAX_ROWS_PER_FRAME) {
            problems.add(SettingProblem.of("max_rows_per_frame", String.valueOf(maxRowsPerFrame), "1.." + MAX_ROWS_PER_FRAME));
        }
        if (maxInFlight < 1 || maxInFlight > MAX_IN_FLIGHT) {
            problems.add(SettingProblem.of("max_in_flight", String.valueOf(maxInFlight), "1.." + MAX_IN_FLIGHT));
        }
        checkTimeout(problems, "connect_timeout", connectTimeout);
        checkTimeout(problems, "read_timeout", readTimeout);
        if (!problems.isEmpty()) {
            throw new InvalidSettingsException("zabbix sink " + quote(name), problems);
        }
    }

    /**
     * A configuration with every default: each sample's own host, 1000 rows, 4 connections, 3 s, 15 s, no
     * zlib, unencrypted.
     */
    public static ZabbixSinkConfig of(String name, String serverHost, int serverPort) {
        return of(name, ZabbixServerNodes.of(serverHost, serverPort));
    }

    /** As {@link #of(String, String, int)}, for the nodes of an HA cluster. */
    public static ZabbixSinkConfig of(String name, ZabbixServerNodes servers) {
        return new ZabbixSinkConfig(name, servers, null, DEFAULT_MAX_ROWS_PER_FRAME,
                DEFAULT_MAX_IN_FLIGHT, DEFAULT_CONNECT_TIMEOUT, DEFAULT_READ_TIMEOUT, DEFAULT_COMPRESSION,
                ZabbixTlsConfig.UNENCRYPTED);
    }

    /** A copy that escapes Prometheus names with {@code nameEscaping}; null = the default. */
    public ZabbixSinkConfig withNameEscaping(NameEscaping nameEscaping) {
        return new ZabbixSinkConfig(name, servers, host, maxRowsPerFrame, maxInFlight, connectTimeout, readTimeout, compression, tls, nameEscaping);
    }

    /** A copy that sends every value for {@code host}; null = each sample's own host. */
    public ZabbixSinkConfig withHost(String host) {
        return new ZabbixSinkConfig(name, servers, host, maxRowsPerFrame, maxInFlight,
                connectTimeout, readTimeout, compression, tls, nameEscaping);
    }

    public ZabbixSinkConfig withMaxRowsPerFrame(int maxRowsPerFrame) {
        return new ZabbixSinkConfig(name, servers, host, maxRowsPerFrame, maxInFlight,
                connectTimeout, readTimeout, compression, tls, nameEscaping);
    }

    public ZabbixSinkConfig withMaxInFlight(int maxInFlight) {
        return new ZabbixSinkConfig(name, servers, host, maxRowsPerFrame, maxInFlight,
                connectTimeout, readTimeout, compression, tls, nameEscaping);
    }

    public ZabbixSinkConfig withTimeouts(Duration connectTimeout, Duration readTimeout) {
        return new ZabbixSinkConfig(name, servers, host, maxRowsPerFrame, maxInFlight,
                connectTimeout, readTimeout, compression, tls, nameEscaping);
    }

    public ZabbixSinkConfig withCompression(boolean compression) {
        return new ZabbixSinkConfig(name, servers, host, maxRowsPerFrame, maxInFlight,
                connectTimeout, readTimeout, compression, tls, nameEscaping);
    }

    /** A copy whose connections are secured as {@code tls} says; null = unencrypted. */
    public ZabbixSinkConfig withTls(ZabbixTlsConfig tls) {
        return new ZabbixSinkConfig(name, servers, host, maxRowsPerFrame, maxInFlight,
                connectTimeout, readTimeout, compression, tls, nameEscaping);
    }

    /** {@code host:port}, or {@code a:p;b:p} for a cluster, as in the {@code server} key. */
    public String server() {
        return servers.toString();
    }

    /** The first node's host. */
    public String serverHost() {
        return servers.first().host();
    }

    /** The first node's port. */
    public int serverPort() {
        return servers.first().port();
    }

    private static void checkTimeout(List<SettingProblem> problems, String key, Duration timeout) {
        // The upper bound is zabbix_sender's -t range (1-300 s).
        if (timeout == null || timeout.isNegative() || timeout.isZero() || timeout.compareTo(Duration.ofSeconds(300)) > 0) {
            problems.add(SettingProblem.of(key, String.valueOf(timeout), "> 0 and <= 300s"));
        }
    }

    private static String quote(String s) {
        return s == null ? "null" : '"' + s + '"';
    }
}
