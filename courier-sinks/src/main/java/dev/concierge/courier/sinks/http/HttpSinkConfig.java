package dev.concierge.courier.sinks.http;

import dev.concierge.courier.core.naming.NameEscaping;
import dev.concierge.courier.core.settings.InvalidSettingsException;
import dev.concierge.courier.core.settings.SettingProblem;
import dev.concierge.courier.core.tls.TlsClientSettings;
import java.net.URI;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The configuration of one HTTP sink; the keys of {@code sample.yaml} beside this package. Immutable;
 * {@link #of} applies the defaults, which live here and nowhere else.
 *
 * @param name           the sink's name, unique among sinks
 * @param url            where every batch is POSTed, {@code http} or {@code https}
 * @param format         how a batch is written into the request body
 * @param gzip           compress the body and send {@code Content-Encoding: gzip}
 * @param headers        extra request headers, in order; values may hold API keys, so {@link #toString()}
 *                       shows only the names
 * @param auth           the {@code Authorization} the sink sends; null = none
 * @param trustStore     the certificates an https URL is checked against; null = the JVM's default trust
 * @param connectTimeout how long to wait for the TCP connection (and TLS handshake)
 * @param readTimeout    how long to wait, once the request is written, for the whole response
 * @param maxInFlight    the most requests outstanding at once
 * @param maxBatchSize   the most samples in one request
 * @param tls            the PEM form of the {@code tls} block every TLS client of the courier shares ({@code ca_file},
 *                       {@code cert_file}, {@code key_file}, {@code server_name}, {@code insecure_skip_verify});
 *                       null = none; not together with {@code trustStore}
 * @param nameEscaping   how Prometheus names outside the legacy set are escaped before keys, paths or lines
 *                       are rendered ({@code name_escaping}); null = {@link NameEscaping#DEFAULT}
 */
public record HttpSinkConfig(String name, URI url, Format format, boolean gzip, Map<String, String> headers,
                             HttpAuth auth, HttpTrustStore trustStore, Duration connectTimeout,
                             Duration readTimeout, int maxInFlight, int maxBatchSize, TlsClientSettings tls,
                             NameEscaping nameEscaping) {

    /** The body formats, by their config name. */
    public enum Format {
        /** A JSON array of sample objects; see the package documentation for the schema. */
        JSON("json", "application/json"),
        /** InfluxDB line protocol, one line per sample, seconds timestamps. */
        INFLUX("influx", "text/plain; charset=utf-8");

        private final String configName;
        private final String contentType;

        Format(String configName, String contentType) {
            this.configName = configName;
            this.contentType = contentType;
        }

        /** The value of the {@code format} key. */
        public String configName() {
            return configName;
        }

        public String contentType() {
            return contentType;
        }

        /** The format named {@code name} in config, or null. */
        public static Format byConfigName(String name) {
            for (Format f : values()) {
                if (f.configName.equals(name)) {
                    return f;
                }
            }
            return null;
        }
    }

    public static final Format DEFAULT_FORMAT = Format.JSON;
    public static final boolean DEFAULT_GZIP = false;
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(10);
    public static final int DEFAULT_MAX_IN_FLIGHT = 4;
    /** InfluxDB's docs suggest batches of about 5,000 lines; 1,000 keeps a JSON request well under 1 MiB. */
    public static final int DEFAULT_MAX_BATCH_SIZE = 1000;

    static final int MAX_IN_FLIGHT = 64;
    static final int MAX_BATCH_SIZE = 100_000;
    static final Duration MAX_TIMEOUT = Duration.ofMinutes(5);

    /**
     * Headers the sink sets itself, or that the JDK HTTP client refuses to take from a caller
     * ({@code jdk.internal.net.http.common.Utils#DISALLOWED_HEADERS_SET}).
     */
    static final Set<String> RESERVED_HEADERS = Set.of("connection", "content-length", "expect", "host", "upgrade",
            "content-encoding", "content-type");

    // RFC 9110 §5.6.2 token.
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    private static final Pattern PRECISION = Pattern.compile("(?:^|&)precision=([^&]*)");

    /** A sink whose TLS, if any, is a trust store, with the default {@link NameEscaping#DEFAULT}. */
    public HttpSinkConfig(String name, URI url, Format format, boolean gzip, Map<String, String> headers,
                          HttpAuth auth, HttpTrustStore trustStore, Duration connectTimeout, Duration readTimeout,
                          int maxInFlight, int maxBatchSize) {
        this(name, url, format, gzip, headers, auth, trustStore, connectTimeout, readTimeout, maxInFlight, maxBatchSize,
                null, NameEscaping.DEFAULT);
    }

    /** @throws IllegalArgumentException listing every invalid field, one {@code field: found (expected: rule)} per line */
    public HttpSinkConfig {
        nameEscaping = nameEscaping == null ? NameEscaping.DEFAULT : nameEscaping;
        headers = headers == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(headers));
        List<SettingProblem> problems = new ArrayList<>();
        if (name == null || name.isBlank()) {
            problems.add(SettingProblem.of("name", quote(name), "a non-empty name"));
        }
        checkUrl(problems, url, format, trustStore != null || tls != null);
        if (trustStore != null && tls != null) {
            problems.add(SettingProblem.of("tls.trust_store", "set with " + tls, "either a trust store or the PEM keys "
                    + String.join(", ", TlsClientSettings.KEYS)));
        }
        if (tls != null) {
            problems.addAll(tls.localProblems(""));
        }
        if (format == null) {
            problems.add(SettingProblem.of("format", "null", "json or influx"));
        }
        for (Map.Entry<String, String> header : headers.entrySet()) {
            String key = header.getKey();
            if (key == null || !TOKEN.matcher(key).matches()) {
                problems.add(SettingProblem.of("headers", "name " + quote(key), "an HTTP header name, RFC 9110 token"));
            } else if (RESERVED_HEADERS.contains(key.toLowerCase(Locale.ROOT))) {
                problems.add(SettingProblem.of("headers." + key, "set by the sink", "none of " + String.join(", ",
                        RESERVED_HEADERS.stream().sorted().toList())));
            } else if (auth != null && key.equalsIgnoreCase("authorization")) {
                problems.add(SettingProblem.of("headers." + key, "set together with auth", "one of the two"));
            }
            String value = header.getValue();
            if (value == null || value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
                // Never quote the value: headers carry API keys.
                problems.add(SettingProblem.of("headers." + key, "a value with a line break or none", "one line of text"));
            }
        }
        if (auth instanceof HttpAuth.Basic basic && (basic.user().isEmpty() || basic.user().indexOf(':') >= 0)) {
            problems.add(SettingProblem.of("auth.user", quote(basic.user()), "a non-empty user name without ':', RFC 7617"));
        }
        if (trustStore != null && !Files.isReadable(trustStore.path())) {
            problems.add(SettingProblem.of("tls.trust_store", String.valueOf(trustStore.path()), "a readable key store file"));
        }
        checkTimeout(problems, "connect_timeout", connectTimeout);
        checkTimeout(problems, "read_timeout", readTimeout);
        if (maxInFlight < 1 || maxInFlight > MAX_IN_FLIGHT) {
            problems.add(SettingProblem.of("max_in_flight", String.valueOf(maxInFlight), "1.." + MAX_IN_FLIGHT));
        }
        if (maxBatchSize < 1 || maxBatchSize > MAX_BATCH_SIZE) {
            problems.add(SettingProblem.of("max_batch_size", String.valueOf(maxBatchSize), "1.." + MAX_BATCH_SIZE));
        }
        if (!problems.isEmpty()) {
            // One problem per line, so the configuration layer reports each at the sink's entry.
            throw new InvalidSettingsException("http sink " + quote(name), problems);
        }
    }

    /** A configuration with every default: JSON, no gzip, no headers, no auth, JVM trust, 5 s, 10 s, 4, 1000. */
    public static HttpSinkConfig of(String name, URI url) {
        return new HttpSinkConfig(name, url, DEFAULT_FORMAT, DEFAULT_GZIP, Map.of(), null, null,
                DEFAULT_CONNECT_TIMEOUT, DEFAULT_READ_TIMEOUT, DEFAULT_MAX_IN_FLIGHT, DEFAULT_MAX_BATCH_SIZE);
    }

    /** A copy that escapes Prometheus names with {@code nameEscaping}; null = the default. */
    public HttpSinkConfig withNameEscaping(NameEscaping nameEscaping) {
        return new HttpSinkConfig(name, url, format, gzip, headers, auth, trustStore, connectTimeout, readTimeout,
                maxInFlight, maxBatchSize, tls, nameEscaping);
    }

    public HttpSinkConfig withFormat(Format format) {
        return new HttpSinkConfig(name, url, format, gzip, headers, auth, trustStore, connectTimeout, readTimeout,
                maxInFlight, maxBatchSize, tls, nameEscaping);
    }

    public HttpSinkConfig withGzip(boolean gzip) {
        return new HttpSinkConfig(name, url, format, gzip, headers, auth, trustStore, connectTimeout, readTimeout,
                maxInFlight, maxBatchSize, tls, nameEscaping);
    }

    public HttpSinkConfig withHeaders(Map<String, String> headers) {
        return new HttpSinkConfig(name, url, format, gzip, headers, auth, trustStore, connectTimeout, readTimeout,
                maxInFlight, maxBatchSize, tls, nameEscaping);
    }

    public HttpSinkConfig withAuth(HttpAuth auth) {
        return new HttpSinkConfig(name, url, format, gzip, headers, auth, trustStore, connectTimeout, readTimeout,
                maxInFlight, maxBatchSize, tls, nameEscaping);
    }

    public HttpSinkConfig withTls(TlsClientSettings tls) {
        return new HttpSinkConfig(name, url, format, gzip, headers, auth, trustStore, connectTimeout, readTimeout,
                maxInFlight, maxBatchSize, tls, nameEscaping);
    }

    public HttpSinkConfig withTrustStore(HttpTrustStore trustStore) {
        return new HttpSinkConfig(name, url, format, gzip, headers, auth, trustStore, connectTimeout, readTimeout,
                maxInFlight, maxBatchSize, tls, nameEscaping);
    }

    public HttpSinkConfig withTimeouts(Duration connectTimeout, Duration readTimeout) {
        return new HttpSinkConfig(name, url, format, gzip, headers, auth, trustStore, connectTimeout, readTimeout,
                maxInFlight, maxBatchSize, tls, nameEscaping);
    }

    public HttpSinkConfig withMaxInFlight(int maxInFlight) {
        return new HttpSinkConfig(name, url, format, gzip, headers, auth, trustStore, connectTimeout, readTimeout,
                maxInFlight, maxBatchSize, tls, nameEscaping);
    }

    public HttpSinkConfig withMaxBatchSize(int maxBatchSize) {
        return new HttpSinkConfig(name, url, format, gzip, headers, auth, trustStore, connectTimeout, readTimeout,
                maxInFlight, maxBatchSize, tls, nameEscaping);
    }

    /**
     * Settings that work but are probably not what the operator meant, one line each, for a WARN at load
     * time: an influx URL without {@code precision=s} makes InfluxDB read the seconds timestamps as
     * nanoseconds and store every point in January 1970 (PEERS.md, InfluxDB).
     */
    public List<String> warnings() {
        if (format == Format.INFLUX && precisionOf(url) == null) {
            return List.of("url: " + endpoint() + " has no precision=s (expected: precision=s, since influx lines carry "
                    + "seconds timestamps and InfluxDB otherwise reads them as nanoseconds)");
        }
        return List.of();
    }

    /**
     * The URL as log lines and summaries show it: query values other than InfluxDB's harmless ones
     * ({@code db}, {@code precision}, ...) masked, since {@code p=} carries a password.
     */
    public String endpoint() {
        return HttpEndpoint.redacted(url);
    }

    /** Header names only, as header values often hold API keys; secrets and secret-looking query values masked. */
    @Override
    public String toString() {
        return "HttpSinkConfig[name=" + name + ", url=" + endpoint() + ", format=" + format
                + ", gzip=" + gzip + ", headers=" + headers.keySet() + ", auth=" + auth + ", trustStore=" + trustStore
                + (tls == null ? "" : ", " + tls)
                + ", connectTimeout=" + connectTimeout + ", readTimeout=" + readTimeout + ", maxInFlight="
                + maxInFlight + ", maxBatchSize=" + maxBatchSize + "]";
    }

    private static void checkUrl(List<SettingProblem> problems, URI url, Format format, boolean tls) {
        String scheme = url == null || url.getScheme() == null ? null : url.getScheme().toLowerCase(Locale.ROOT);
        if (url == null || !url.isAbsolute() || url.getHost() == null
                || !("http".equals(scheme) || "https".equals(scheme))) {
            problems.add(SettingProblem.of("url", String.valueOf(url), "an http or https URL with a host"));
            return;
        }
        if (url.getRawUserInfo() != null) {
            // Never quote it: it is a password.
            problems.add(SettingProblem.of("url", "credentials in the URL", "auth.user and auth.password"));
        }
        if (tls && !"https".equals(scheme)) {
            problems.add(SettingProblem.of("tls", "TLS settings for " + HttpEndpoint.redacted(url), "an https URL"));
        }
        String precision = precisionOf(url);
        if (format == Format.INFLUX && precision != null && !precision.equals("s")) {
            problems.add(SettingProblem.of("url", "precision=" + precision, "precision=s, since influx lines carry " + "seconds timestamps"));
        }
    }

    private static String precisionOf(URI url) {
        String query = url == null ? null : url.getRawQuery();
        if (query == null) {
            return null;
        }
        Matcher m = PRECISION.matcher(query);
        return m.find() ? m.group(1) : null;
    }

    private static void checkTimeout(List<SettingProblem> problems, String key, Duration timeout) {
        if (timeout == null || timeout.isNegative() || timeout.isZero() || timeout.compareTo(MAX_TIMEOUT) > 0) {
            problems.add(SettingProblem.of(key, String.valueOf(timeout), "> 0 and <= " + MAX_TIMEOUT.toMinutes() + "m"));
        }
    }

    private static String quote(String s) {
        return s == null ? "null" : '"' + s + '"';
    }
}
