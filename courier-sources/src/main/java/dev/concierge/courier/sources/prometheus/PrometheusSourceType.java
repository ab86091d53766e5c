package dev.concierge.courier.sources.prometheus;

import dev.concierge.courier.core.settings.ByteSize;
import dev.concierge.courier.core.settings.DurationSyntax;
import dev.concierge.courier.core.settings.SettingProblem;
import dev.concierge.courier.core.settings.Settings;
import dev.concierge.courier.core.spi.PeerProbe;
import dev.concierge.courier.core.spi.PluginContext;
import dev.concierge.courier.core.spi.RedactedUrl;
import dev.concierge.courier.core.spi.SampleLimit;
import dev.concierge.courier.core.spi.Source;
import dev.concierge.courier.core.spi.SourceType;
import dev.concierge.courier.sources.fetch.ScrapeHttpSettings;
import dev.concierge.courier.sources.fetch.ScrapeSettings;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** {@code type: prometheus}: a Prometheus text or OpenMetrics scrape; see {@code sample.yaml}. */
public final class PrometheusSourceType implements SourceType<PrometheusConfig> {

    @Override
    public String name() {
        return PrometheusConfig.TYPE;
    }

    @Override
    public PrometheusConfig bind(Settings settings, PluginContext context) {
        int before = settings.problemCount();
        settings.expectKeys("url", "interval", "timeout", "max_size", "host", "sample_limit", "fallback_protocol",
                "headers", "basic_auth", "authorization", "tls", "on_invalid", "created_series");
        URI url = settings.requiredUrl("url");
        Duration interval = settings.optionalDuration("interval", PrometheusConfig.DEFAULT_INTERVAL);
        Duration timeout = settings.optionalDuration("timeout",
                ScrapeSettings.defaultTimeout(PrometheusConfig.DEFAULT_TIMEOUT, interval));
        ByteSize maxSize = settings.optionalSize("max_size", ByteSize.ofBytes(PrometheusConfig.DEFAULT_MAX_BYTES));
        String host = settings.optionalString("host", context.defaultHost());
        SampleLimit sampleLimit = ScrapeSettings.sampleLimit(settings);
        String fallback = settings.optionalChoice("fallback_protocol", PrometheusNegotiation.FALLBACK_NAMES, null);
        ScrapeHttpSettings http = ScrapeHttpSettings.bind(settings);
        String onInvalid = settings.optionalChoice("on_invalid", InvalidScrapePolicy.WORDS,
                InvalidScrapePolicy.DROP_LINE.word());
        boolean createdSeries = settings.optionalBoolean("created_series", false);
        if (settings.problemCount() > before) {
            return null;
        }
        return settings.build(() -> new PrometheusConfig(context.name(), url, interval, timeout, maxSize.bytes(), host,
                sampleLimit, fallback == null ? null : PrometheusNegotiation.fallbackOf(fallback), http,
                InvalidScrapePolicy.of(onInvalid), createdSeries));
    }

    @Override
    public Duration interval(PrometheusConfig config) {
        return config.interval();
    }

    @Override
    public String summary(PrometheusConfig config) {
        return RedactedUrl.of(config.url()) + " every " + DurationSyntax.format(config.interval());
    }

    @Override
    public Source create(PrometheusConfig config) {
        return PrometheusScrapeSource.create(config);
    }

    /** The TLS files: a reload recreates the source when a certificate or key changes. */
    @Override
    public List<Path> watchedFiles(PrometheusConfig config) {
        return config.http().watchedFiles();
    }

    /** The credential and TLS files this user cannot read. */
    @Override
    public List<SettingProblem> checkLocally(PrometheusConfig config) {
        return config.http().localProblems("");
    }

    /** One scrape. */
    @Override
    public List<PeerProbe> probes(PrometheusConfig config) {
        return List.of(PeerProbe.collectOnce(RedactedUrl.of(config.url()), () -> create(config)));
    }
}
