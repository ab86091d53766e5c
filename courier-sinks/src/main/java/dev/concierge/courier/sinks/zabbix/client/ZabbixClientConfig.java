package dev.concierge.courier.sinks.zabbix.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.zip.Deflater;

/**
 * How a {@link ZabbixClient} connects. Immutable; {@link #of} sets the four values every caller must
 * choose and defaults the rest, which the {@code with...} methods replace.
 *
 * @param nodes            the server or proxy; several for the nodes of an HA cluster, tried in order
 * @param connectTimeout   how long a TCP connect may take
 * @param readTimeout      how long to wait, once connected, for the whole reply, the TLS handshake included
 * @param compression      send a frame zlib-compressed (flag 0x03) when that makes it shorter; default off
 * @param compressionLevel zlib's level when compressing ({@link Deflater#DEFAULT_COMPRESSION}, or 1..9);
 *                         default {@link Deflater#DEFAULT_COMPRESSION}
 * @param maxConnections   the most connections open at once; further requests wait in order; default 1
 * @param threads          event loop threads, which also render and compress; default 1
 * @param threadName       the event loop threads' name prefix; default {@code zabbix-client}
 * @param tls              how connections are secured; default {@link ZabbixTlsConfig#UNENCRYPTED}
 */
public record ZabbixClientConfig(ZabbixServerNodes nodes, Duration connectTimeout, Duration readTimeout,
                                 boolean compression, int compressionLevel, int maxConnections, int threads,
                                 String threadName, ZabbixTlsConfig tls) {

    /** @throws IllegalArgumentException listing every invalid field, one {@code field: found (expected: rule)} each */
    public ZabbixClientConfig {
        Objects.requireNonNull(nodes, "nodes");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(readTimeout, "readTimeout");
        Objects.requireNonNull(threadName, "threadName");
        Objects.requireNonNull(tls, "tls");
        List<String> problems = new ArrayList<>();
        if (connectTimeout.isNegative() || connectTimeout.isZero()) {
            problems.add("connectTimeout: " + connectTimeout + " (expected: > 0)");
        }
        if (readTimeout.isNegative() || readTimeout.isZero()) {
            problems.add("readTimeout: " + readTimeout + " (expected: > 0)");
        }
        if (compressionLevel != Deflater.DEFAULT_COMPRESSION
                && (compressionLevel < Deflater.BEST_SPEED || compressionLevel > Deflater.BEST_COMPRESSION)) {
            problems.add("compressionLevel: " + compressionLevel + " (expected: -1 or 1..9)");
        }
        if (maxConnections < 1) {
            problems.add("maxConnections: " + maxConnections + " (expected: >= 1)");
        }
        if (threads < 1) {
            problems.add("threads: " + threads + " (expected: >= 1)");
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
    }

    /** An unencrypted, uncompressed client with one connection and one thread. */
    public static ZabbixClientConfig of(String host, int port, Duration connectTimeout, Duration readTimeout) {
        return of(ZabbixServerNodes.of(host, port), connectTimeout, readTimeout);
    }

    /** As {@link #of(String, int, Duration, Duration)}, for the nodes of a cluster. */
    public static ZabbixClientConfig of(ZabbixServerNodes nodes, Duration connectTimeout, Duration readTimeout) {
        return new ZabbixClientConfig(nodes, connectTimeout, readTimeout, false, Deflater.DEFAULT_COMPRESSION, 1,
                1, "zabbix-client", ZabbixTlsConfig.UNENCRYPTED);
    }

    /** This configuration, compressing when {@code compression} at zlib's {@code level}. */
    public ZabbixClientConfig withCompression(boolean compression, int level) {
        return new ZabbixClientConfig(nodes, connectTimeout, readTimeout, compression, level, maxConnections,
                threads, threadName, tls);
    }

    /** This configuration, with at most {@code maxConnections} open at once. */
    public ZabbixClientConfig withMaxConnections(int maxConnections) {
        return new ZabbixClientConfig(nodes, connectTimeout, readTimeout, compression, compressionLevel,
                maxConnections, threads, threadName, tls);
    }

    /** This configuration, on {@code threads} event loop threads named after {@code threadName}. */
    public ZabbixClientConfig withThreads(int threads, String threadName) {
        return new ZabbixClientConfig(nodes, connectTimeout, readTimeout, compression, compressionLevel,
                maxConnections, threads, threadName, tls);
    }

    /** This configuration, connecting as {@code tls} says. */
    public ZabbixClientConfig withTls(ZabbixTlsConfig tls) {
        return new ZabbixClientConfig(nodes, connectTimeout, readTimeout, compression, compressionLevel,
                maxConnections, threads, threadName, tls);
    }

    /** The first node's host. */
    public String host() {
        return nodes.first().host();
    }

    /** The first node's port. */
    public int port() {
        return nodes.first().port();
    }

    /** {@code host:port}, or the nodes as {@code a:p;b:p}, the way {@code zabbix_sender} and the sink name a server. */
    public String server() {
        return nodes.toString();
    }
}
