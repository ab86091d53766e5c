package dev.concierge.courier.sources.dropwizard;

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
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The configuration of one Dropwizard source (config {@code type: dropwizard}); see {@code sample.yaml}
 * beside this class. Every instance is valid: the constructor reports every problem at once.
 *
 * @param name     the source name, stamped on every sample ({@code name})
 * @param url      the metrics endpoint, http or https ({@code url}); null when {@code file} is set
 * @param file     a file holding a metrics-json document ({@code file}); null when {@code url} is set
 * @param interval how often to collect ({@code interval}, default {@value #DEFAULT_INTERVAL_TEXT})
 * @param timeout  the longest one fetch may take, connect included ({@code timeout}, default
 *                 {@value #DEFAULT_TIMEOUT_TEXT} or {@code interval} when shorter); at most {@code interval}, so
 *                 scrapes cannot stack
 * @param maxBytes the largest document accepted ({@code max_size}, default {@value #DEFAULT_MAX_SIZE_TEXT})
 * @param host     the host stamped on every sample, e.g. the Zabbix host ({@code host}, default: this
 *                 machine's host name)
 * @param sampleLimit the most samples one document may yield; a document with more is refused whole
 *                 ({@code sample_limit}, 0 for none; default derived from the heap, {@link SampleLimit#ofThisHeap()})
 * @param http     headers, credentials and TLS for {@code url} ({@code headers}, {@code basic_auth},
 *                 {@code authorization}, {@code tls}); {@link ScrapeHttpSettings#NONE} for a file
 */
public record DropwizardConfig(String name, URI url, Path file, Duration interval, Duration timeout, long maxBytes,
                               String host, SampleLimit sampleLimit, ScrapeHttpSettings http) {

    /** The config {@code type} naming this plugin. */
    public static final String TYPE = "dropwizard";
    static final String DEFAULT_INTERVAL_TEXT = "10s";
    static final String DEFAULT_TIMEOUT_TEXT = "5s";
    static final String DEFAULT_MAX_SIZE_TEXT = "16MiB";
    public static final Duration DEFAULT_INTERVAL = DurationSyntax.parse(DEFAULT_INTERVAL_TEXT);
    public static final Duration DEFAULT_TIMEOUT = DurationSyntax.parse(DEFAULT_TIMEOUT_TEXT);
    public static final long DEFAULT_MAX_BYTES = ByteSize.parse(DEFAULT_MAX_SIZE_TEXT).bytes();

    /** A source whose sample limit follows the heap. */
    public DropwizardConfig(String name, URI url, Path file, Duration interval, Duration timeout, long maxBytes,
                            String host) {
        this(name, url, file, interval, timeout, maxBytes, host, SampleLimit.ofThisHeap());
    }

    /** A source that sends no headers or credentials of its own. */
    public DropwizardConfig(String name, URI url, Path file, Duration interval, Duration timeout, long maxBytes,
                            String host, SampleLimit sampleLimit) {
        this(name, url, file, interval, timeout, maxBytes, host, sampleLimit, ScrapeHttpSettings.NONE);
    }

    public DropwizardConfig {
        Objects.requireNonNull(sampleLimit, "sampleLimit");
        Objects.requireNonNull(http, "http");
        List<SettingProblem> problems = check(name, url, file, interval, timeout, maxBytes, host);
        if (file != null && !http.equals(ScrapeHttpSettings.NONE)) {
            problems.add(SettingProblem.of("file", file.toString(), "no headers, basic_auth, authorization or tls "
                    + "with a file: they are for a url"));
        }
        if (!problems.isEmpty()) {
            throw new InvalidSettingsException(what(name), problems);
        }
    }

    /** A source reading {@code url} with every other setting at its default. */
    public static DropwizardConfig ofUrl(String name, URI url) {
        return new DropwizardConfig(name, url, null, DEFAULT_INTERVAL, DEFAULT_TIMEOUT, DEFAULT_MAX_BYTES, defaultHost());
    }

    /** A source reading {@code file} with every other setting at its default. */
    public static DropwizardConfig ofFile(String name, Path file) {
        return new DropwizardConfig(name, null, file, DEFAULT_INTERVAL, DEFAULT_TIMEOUT, DEFAULT_MAX_BYTES, defaultHost());
    }

    public DropwizardConfig withInterval(Duration interval) {
        return new DropwizardConfig(name, url, file, interval, timeout, maxBytes, host, sampleLimit, http);
    }

    public DropwizardConfig withTimeout(Duration timeout) {
        return new DropwizardConfig(name, url, file, interval, timeout, maxBytes, host, sampleLimit, http);
    }

    public DropwizardConfig withMaxBytes(long maxBytes) {
        return new DropwizardConfig(name, url, file, interval, timeout, maxBytes, host, sampleLimit, http);
    }

    public DropwizardConfig withHost(String host) {
        return new DropwizardConfig(name, url, file, interval, timeout, maxBytes, host, sampleLimit, http);
    }

    /** Where documents come from: the URL or the file path, as error messages name it. */
    public DropwizardConfig withSampleLimit(SampleLimit sampleLimit) {
        return new DropwizardConfig(name, url, file, interval, timeout, maxBytes, host, sampleLimit, http);
    }

    public DropwizardConfig withHttp(ScrapeHttpSettings http) {
        return new DropwizardConfig(name, url, file, interval, timeout, maxBytes, host, sampleLimit, http);
    }

    public String location() {
        return url != null ? RedactedUrl.of(url) : file.toString();
    }

    /**
     * This machine's host name, resolved once. Falls back to {@code localhost} when the name does not
     * resolve, which is what a Zabbix agent configured without {@code Hostname} would also struggle with.
     */
    public static String defaultHost() {
        return PluginContext.localHostName();
    }

    @Override
    public String toString() {
        return "dropwizard source " + name + ": " + location() + " every " + ScrapeSettings.format(interval)
                + ", timeout " + ScrapeSettings.format(timeout) + ", max " + ByteSize.format(maxBytes) + ", host " + host
                + (http.equals(ScrapeHttpSettings.NONE) ? "" : ", " + http);
    }

    private static List<SettingProblem> check(String name, URI url, Path file, Duration interval, Duration timeout,
                                      long maxBytes, String host) {
        List<SettingProblem> problems = new ArrayList<>();
        ScrapeSettings.checkName(problems, name);
        if ((url == null) == (file == null)) {
            problems.add(SettingProblem.of("url, file", (url == null ? "neither" : "both") + " set", "exactly one"));
        }
        ScrapeSettings.checkHttpUrl(problems, url);
        ScrapeSettings.checkSchedule(problems, interval, timeout, maxBytes, host);
        return problems;
    }

    private static String what(String name) {
        return TYPE + " source" + (name == null || name.isBlank() ? "" : " " + name);
    }

}
