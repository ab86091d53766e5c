package dev.concierge.courier.sources.dropwizard;

import dev.concierge.courier.core.settings.ByteSize;
import dev.concierge.courier.core.settings.DurationSyntax;
import dev.concierge.courier.core.settings.PathAccess;
import dev.concierge.courier.core.settings.SettingProblem;
import dev.concierge.courier.core.settings.Settings;
import dev.concierge.courier.core.spi.PeerProbe;
import dev.concierge.courier.core.spi.PluginContext;
import dev.concierge.courier.core.spi.SampleLimit;
import dev.concierge.courier.core.spi.Source;
import dev.concierge.courier.core.spi.SourceType;
import dev.concierge.courier.sources.fetch.ScrapeHttpSettings;
import dev.concierge.courier.sources.fetch.ScrapeSettings;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** {@code type: dropwizard}: a Dropwizard metrics-json document from a URL or a file; see {@code sample.yaml}. */
public final class DropwizardSourceType implements SourceType<DropwizardConfig> {

    @Override
    public String name() {
        return DropwizardConfig.TYPE;
    }

    @Override
    public DropwizardConfig bind(Settings settings, PluginContext context) {
        int before = settings.problemCount();
        settings.expectKeys("url", "file", "interval", "timeout", "max_size", "host", "sample_limit", "headers",
                "basic_auth", "authorization", "tls");
        URI url = settings.optionalUrl("url", null);
        String file = settings.optionalString("file", null);
        Duration interval = settings.optionalDuration("interval", DropwizardConfig.DEFAULT_INTERVAL);
        Duration timeout = settings.optionalDuration("timeout",
                ScrapeSettings.defaultTimeout(DropwizardConfig.DEFAULT_TIMEOUT, interval));
        ByteSize maxSize = settings.optionalSize("max_size", ByteSize.ofBytes(DropwizardConfig.DEFAULT_MAX_BYTES));
        String host = settings.optionalString("host", context.defaultHost());
        SampleLimit sampleLimit = ScrapeSettings.sampleLimit(settings);
        ScrapeHttpSettings http = ScrapeHttpSettings.bind(settings);
        if ((url == null) == (file == null) && settings.problemCount() == before) {
            settings.problem(url == null ? "neither url nor file" : "both url and file", "exactly one of them");
        }
        if (settings.problemCount() > before) {
            return null;
        }
        return settings.build(() -> new DropwizardConfig(context.name(), url, file == null ? null : Path.of(file),
                interval, timeout, maxSize.bytes(), host, sampleLimit, http));
    }

    @Override
    public Duration interval(DropwizardConfig config) {
        return config.interval();
    }

    @Override
    public String summary(DropwizardConfig config) {
        return config.location() + " every " + DurationSyntax.format(config.interval());
    }

    @Override
    public Source create(DropwizardConfig config) {
        return DropwizardJsonSource.create(config);
    }

    /** The TLS files: a reload recreates the source when a certificate or key changes. */
    @Override
    public List<Path> watchedFiles(DropwizardConfig config) {
        return config.http().watchedFiles();
    }

    /**
     * A {@code file} this user cannot read: a file source would fail at every collect; for a URL, the credential
     * and TLS files.
     */
    @Override
    public List<SettingProblem> checkLocally(DropwizardConfig config) {
        if (config.file() == null) {
            return config.http().localProblems("");
        }
        return PathAccess.readableFileProblem(config.file())
                .map(found -> List.of(SettingProblem.of("file", found, "a file the courier can read at each collect")))
                .orElse(List.of());
    }

    /** One collect, from the URL or the file. */
    @Override
    public List<PeerProbe> probes(DropwizardConfig config) {
        return List.of(PeerProbe.collectOnce(config.location(), () -> create(config)));
    }
}
