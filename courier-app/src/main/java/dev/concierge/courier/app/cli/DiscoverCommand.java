package dev.concierge.courier.app.cli;

import dev.concierge.courier.core.spi.SourceException;
import dev.concierge.courier.sources.dropwizard.DropwizardDiscovery;
import dev.concierge.courier.sources.dropwizard.DropwizardKind;
import dev.concierge.courier.sources.dropwizard.DropwizardMetricNames;
import dev.concierge.courier.sources.fetch.ByteSize;
import dev.concierge.courier.sources.fetch.DocumentFetcher;
import dev.concierge.courier.sources.fetch.DurationText;
import dev.concierge.courier.sources.fetch.FetchedDocument;
import dev.concierge.courier.sources.fetch.HttpFetcher;
import dev.concierge.courier.sources.prometheus.PrometheusDiscovery;
import dev.concierge.courier.sources.prometheus.PrometheusFormat;
import dev.concierge.courier.sources.prometheus.PrometheusParseResult;
import dev.concierge.courier.sources.prometheus.PrometheusTextParser;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;

/**
 * {@code courier discover}: prints Zabbix low-level discovery JSON for a Dropwizard document or a
 * Prometheus exposition, for use as a Zabbix agent {@code UserParameter}. For Dropwizard it reads only the
 * metric names, so it answers well inside the agent's 3 s timeout on a cold JVM. For Prometheus it prints
 * one row per series ({@code {#NAME}} plus one macro per label), optionally for one family, and refuses an
 * exposition with any malformed line: an LLD value is the complete list, and a partial one would make
 * Zabbix mark the missing entities as lost. Errors go to stderr with exit code 1, which Zabbix shows on
 * the rule.
 */
@Command(name = "discover", mixinStandardHelpOptions = true,
        description = "Prints Zabbix LLD JSON for the metrics in a Dropwizard /metrics document or a Prometheus exposition.")
public final class DiscoverCommand implements Callable<Integer> {

    static final class Location {
        @Option(names = "--url", paramLabel = "URL", description = "a Dropwizard admin or Prometheus /metrics URL")
        URI url;

        @Option(names = "--file", paramLabel = "FILE",
                description = "a file holding a metrics-json document or a Prometheus exposition")
        Path file;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Location location;

    @Option(names = "--type", paramLabel = "TYPE", defaultValue = "dropwizard",
            description = "dropwizard (default) or prometheus")
    String type;

    @Option(names = "--family", paramLabel = "NAME",
            description = "prometheus only: the series of this family (or sample name); default: every series")
    String family;

    @Option(names = "--kind", paramLabel = "KIND", converter = KindConverter.class,
            description = "timers, meters, counters, gauges or histograms; default: every kind, with {#TYPE}")
    DropwizardKind kind;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "array",
            description = "array (Zabbix 4.2+, default) or data ({\"data\":[...]}, older servers)")
    String format;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "2s", converter = DurationConverter.class,
            description = "how long to wait for the URL, connect included (default: ${DEFAULT-VALUE})")
    Duration timeout;

    @Option(names = "--max-size", paramLabel = "SIZE", defaultValue = "16MiB", converter = SizeConverter.class,
            description = "the largest document read (default: ${DEFAULT-VALUE})")
    long maxBytes;

    @Override
    public Integer call() throws IOException {
        DropwizardDiscovery.Format output;
        switch (format.toLowerCase(Locale.ROOT)) {
            case "array" -> output = DropwizardDiscovery.Format.ARRAY;
            case "data" -> output = DropwizardDiscovery.Format.DATA_OBJECT;
            default -> {
                System.err.println("courier discover: --format: " + format + " (expected: array or data)");
                return 2;
            }
        }
        switch (type.toLowerCase(Locale.ROOT)) {
            case "dropwizard" -> {
                if (family != null) {
                    System.err.println("courier discover: --family applies to --type prometheus only");
                    return 2;
                }
            }
            case "prometheus" -> {
                if (kind != null) {
                    System.err.println("courier discover: --kind applies to --type dropwizard only");
                    return 2;
                }
                return prometheus(output == DropwizardDiscovery.Format.ARRAY
                        ? PrometheusDiscovery.Format.ARRAY : PrometheusDiscovery.Format.DATA_OBJECT);
            }
            default -> {
                System.err.println("courier discover: --type: " + type + " (expected: dropwizard or prometheus)");
                return 2;
            }
        }
        DropwizardMetricNames names;
        try (DocumentFetcher fetcher = location.url != null
                ? DocumentFetcher.http(location.url, timeout, maxBytes)
                : DocumentFetcher.file(location.file, maxBytes)) {
            names = DropwizardMetricNames.read(fetcher.fetch(), fetcher.location());
        } catch (SourceException e) {
            System.err.println("courier discover: " + e.getMessage());
            return 1;
        }
        OutputStream out = new BufferedOutputStream(System.out);
        DropwizardDiscovery.write(names, kind, output, out);
        out.write('\n');
        out.flush();
        return 0;
    }

    private int prometheus(PrometheusDiscovery.Format output) throws IOException {
        FetchedDocument document;
        String where;
        try (DocumentFetcher fetcher = location.url != null
                ? HttpFetcher.create(location.url, timeout, maxBytes, PrometheusFormat.ACCEPT, true)
                : DocumentFetcher.file(location.file, maxBytes)) {
            document = fetcher.fetchDocument();
            where = fetcher.location();
        } catch (SourceException e) {
            System.err.println("courier discover: " + e.getMessage());
            return 1;
        }
        PrometheusFormat format = location.url != null ? PrometheusFormat.ofContentType(document.contentType())
                : formatOfFile(document.body());
        PrometheusParseResult parsed = new PrometheusTextParser().parse(document.body(), format, Instant.now(), "-", "-");
        if (parsed.hasProblems()) {
            System.err.println("courier discover: " + where + ": " + parsed.problemCount()
                    + " problems, no discovery sent: " + parsed.problems().get(0));
            return 1;
        }
        OutputStream out = new BufferedOutputStream(System.out);
        PrometheusDiscovery.write(parsed, family, output, out);
        out.write('\n');
        out.flush();
        return 0;
    }

    /** A file is OpenMetrics when its last line is {@code # EOF}, which only OpenMetrics has. */
    private static PrometheusFormat formatOfFile(byte[] body) {
        String tail = new String(body, Math.max(0, body.length - 8), Math.min(8, body.length), StandardCharsets.US_ASCII);
        return tail.stripTrailing().endsWith("# EOF") ? PrometheusFormat.OPENMETRICS_1_0 : PrometheusFormat.TEXT_0_0_4;
    }

    static final class DurationConverter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            return DurationText.parse(value);
        }
    }

    static final class SizeConverter implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            return ByteSize.parse(value);
        }
    }

    /** Accepts the kinds by their section names, as operators write them: {@code timers}. */
    static final class KindConverter implements ITypeConverter<DropwizardKind> {
        @Override
        public DropwizardKind convert(String value) {
            DropwizardKind kind = DropwizardKind.ofSection(value.toLowerCase(Locale.ROOT));
            if (kind == null) {
                throw new IllegalArgumentException(value
                        + " (expected: timers, meters, counters, gauges or histograms)");
            }
            return kind;
        }
    }
}
