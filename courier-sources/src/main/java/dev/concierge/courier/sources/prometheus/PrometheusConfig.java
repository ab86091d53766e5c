package dev.concierge.courier.sources.prometheus;

import dev.concierge.courier.core.spi.PluginContext;
import dev.concierge.courier.core.settings.InvalidSettingsException;
import dev.concierge.courier.core.settings.SettingProblem;
import dev.concierge.courier.core.settings.ByteSize;
import dev.concierge.courier.core.settings.DurationSyntax;
import dev.concierge.courier.core.spi.RedactedUrl;
import dev.concierge.courier.core.spi.SampleLimit;
import dev.concierge.courier.sources.fetch.ScrapeHttpSettings;
import dev.concierge.courier.sources.fetch.ScrapeSettings;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The configuration of one Prometheus scrape source (config {@code type: prometheus}); see
 * {@code sample.yaml} beside this class. Every instance is valid: the constructor reports every problem at
 * once.
 *
 * @param name     the source name, stamped on every sample ({@code name})
 * @param url      the exporter's metrics endpoint, http or https ({@code url})
 * @param interval how often to scrape ({@code interval}, default {@value #DEFAULT_INTERVAL_TEXT})
 * @param timeout  the longest one scrape may take, connect included ({@code timeout}, default
 *                 {@value #DEFAULT_TIMEOUT_TEXT} or {@code interval} when shorter); at most {@code interval}, so
 *                 scrapes cannot stack
 * @param maxBytes the largest exposition accepted, compressed and decompressed ({@code max_size}, default
 *                 {@value #DEFAULT_MAX_SIZE_TEXT})
 * @param host     the host stamped on every sample, e.g. the Zabbix host ({@code host}, default: this
 *                 machine's host name)
 * @param sampleLimit the most samples one scrape may yield; a scrape with more fails whole ({@code sample_limit},
 *                 0 for none; default derived from the heap, {@link SampleLimit#ofThisHeap()})
 * @param fallbackProtocol the format read when the answer has no Content-Type or one that is not a Prometheus
 *                 exposition ({@code fallback_protocol}, one of {@link PrometheusNegotiation#FALLBACK_NAMES});
 *                 null, the default, fails such a scrape, as Prometheus 3 does
 * @param http     headers, credentials and TLS ({@code headers}, {@code basic_auth}, {@code authorization},
 *                 {@code tls})
 * @param onInvalid what a scrape with problems costs: the bad lines ({@code drop_line}, the default) or the
 *                 whole scrape ({@code fail}); see {@link InvalidScrapePolicy}
 * @param createdSeries whether OpenMetrics {@code _created} samples are also sent as series
 *                 ({@code created_series}, default false: they are the start times of their series)
 */
public record PrometheusConfig(String name, URI url, Duration interval, Duration timeout, long maxBytes, String host,
                               SampleLimit sampleLimit, PrometheusFormat fallbackProtocol, ScrapeHttpSettings http,
                               InvalidScrapePolicy onInvalid, boolean createdSeries) {

    /** The config {@code type} naming this plugin. */
    public static final String TYPE = "prometheus";
    static final String DEFAULT_INTERVAL_TEXT = "10s";
    static final String DEFAULT_TIMEOUT_TEXT = "5s";
    static final String DEFAULT_MAX_SIZE_TEXT = "16MiB";
    public static final Duration DEFAULT_INTERVAL = DurationSyntax.parse(DEFAULT_INTERVAL_TEXT);
    public static final Duration DEFAULT_TIMEOUT = DurationSyntax.parse(DEFAULT_TIMEOUT_TEXT);
    public static final long DEFAULT_MAX_BYTES = ByteSize.parse(DEFAULT_MAX_SIZE_TEXT).bytes();

    /** A source whose sample limit follows the heap. */
    public PrometheusConfig(String name, URI url, Duration interval, Duration timeout, long maxBytes, String host) {
        this(name, url, interval, timeout, maxBytes, host, SampleLimit.ofThisHeap());
    }

    /**
     * A source without fallback protocol, headers or credentials, that drops bad lines and leaves
     * {@code _created} samples out.
     */
    public PrometheusConfig(String name, URI url, Duration interval, Duration timeout, long maxBytes, String host,
                            SampleLimit sampleLimit) {
        this(name, url, interval, timeout, maxBytes, host, sampleLimit, null, ScrapeHttpSettings.NONE,
                InvalidScrapePolicy.DROP_LINE, false);
    }

    public PrometheusConfig {
        Objects.requireNonNull(sampleLimit, "sampleLimit");
        Objects.requireNonNull(http, "http");
        Objects.requireNonNull(onInvalid, "onInvalid");
        List<SettingProblem> problems = check(name, url, interval, timeout, maxBytes, host);
        if (!problems.isEmpty()) {
            throw new InvalidSettingsException(TYPE + " source" + (name == null || name.isBlank() ? "" : " " + name),
                    problems);
        }
    }

    /** A source scraping {@code url} with every other setting at its default. */
    public static PrometheusConfig of(String name, URI url) {
        return new PrometheusConfig(name, url, DEFAULT_INTERVAL, DEFAULT_TIMEOUT, DEFAULT_MAX_BYTES, defaultHost());
    }

    public PrometheusConfig withInterval(Duration interval) {
        return new PrometheusConfig(name, url, interval, timeout, maxBytes, host, sampleLimit, fallbackProtocol, http,
                onInvalid, createdSeries);
    }

    public PrometheusConfig withTimeout(Duration timeout) {
        return new PrometheusConfig(name, url, interval, timeout, maxBytes, host, sampleLimit, fallbackProtocol, http,
                onInvalid, createdSeries);
    }

    public PrometheusConfig withMaxBytes(long maxBytes) {
        return new PrometheusConfig(name, url, interval, timeout, maxBytes, host, sampleLimit, fallbackProtocol, http,
                onInvalid, createdSeries);
    }

    public PrometheusConfig withHost(String host) {
        return new PrometheusConfig(name, url, interval, timeout, maxBytes, host, sampleLimit, fallbackProtocol, http,
                onInvalid, createdSeries);
    }

    public PrometheusConfig withSampleLimit(SampleLimit sampleLimit) {
        return new PrometheusConfig(name, url, interval, timeout, maxBytes, host, sampleLimit, fallbackProtocol, http,
                onInvalid, createdSeries);
    }

    public PrometheusConfig withFallbackProtocol(PrometheusFormat fallbackProtocol) {
        return new PrometheusConfig(name, url, interval, timeout, maxBytes, host, sampleLimit, fallbackProtocol, http,
                onInvalid, createdSeries);
    }

    public PrometheusConfig withHttp(ScrapeHttpSettings http) {
        return new PrometheusConfig(name, url, interval, timeout, maxBytes, host, sampleLimit, fallbackProtocol, http,
                onInvalid, createdSeries);
    }

    public PrometheusConfig withOnInvalid(InvalidScrapePolicy onInvalid) {
        return new PrometheusConfig(name, url, interval, timeout, maxBytes, host, sampleLimit, fallbackProtocol, http,
                onInvalid, createdSeries);
    }

    public PrometheusConfig withCreatedSeries(boolean createdSeries) {
        return new PrometheusConfig(name, url, interval, timeout, maxBytes, host, sampleLimit, fallbackProtocol, http,
                onInvalid, createdSeries);
    }

    /**
     * This machine's host name, resolved once; {@code localhost} when it does not resolve. The same rule
     * as the Dropwizard source, kept here so that plugins do not depend on each other.
     */
    public static String defaultHost() {
        return PluginContext.localHostName();
    }

    @Override
    public String toString() {
        return "prometheus source " + name + ": " + RedactedUrl.of(url) + " every " + ScrapeSettings.format(interval)
                + ", timeout " + ScrapeSettings.format(timeout) + ", max " + ByteSize.format(maxBytes) + ", host " + host
                + ", sample_limit " + sampleLimit
                + (fallbackProtocol == null ? "" : ", fallback_protocol " + fallbackProtocol)
                + (http.equals(ScrapeHttpSettings.NONE) ? "" : ", " + http)
                + ", on_invalid " + onInvalid + (createdSeries ? ", created_series" : "");
    }

    private static List<SettingProblem> check(String name, URI url, Duration interval, Duration timeout, long maxBytes,
                                      String host) {
        List<SettingProblem> problems = new ArrayList<>();
        ScrapeSettings.checkName(problems, name);
        if (url == null) {
            problems.add(SettingProblem.of("url", "missing", "an http or https URL"));
        }
        ScrapeSettings.checkHttpUrl(problems, url);
        ScrapeSettings.checkSchedule(problems, interval, timeout, maxBytes, host);
        return problems;
    }

}
