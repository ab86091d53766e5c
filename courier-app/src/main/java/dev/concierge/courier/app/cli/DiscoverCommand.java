package dev.concierge.courier.app.cli;

import dev.concierge.courier.core.naming.NameEscaping;
import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.app.wiring.SinkDefinition;
import dev.concierge.courier.app.config.ConfigException;
import dev.concierge.courier.app.config.YamlConfigParser;
import dev.concierge.courier.app.wiring.PluginCatalog;
import dev.concierge.courier.app.wiring.CourierConfig;
import dev.concierge.courier.app.wiring.SourceDefinition;
import dev.concierge.courier.core.process.SampleProcessor;
import dev.concierge.courier.core.settings.ByteSize;
import dev.concierge.courier.core.settings.DurationSyntax;
import dev.concierge.courier.app.discovery.DiscoverySnapshot;
import dev.concierge.courier.core.spi.LldJson;
import dev.concierge.courier.core.spi.LldRow;
import dev.concierge.courier.core.spi.LldRows;
import dev.concierge.courier.core.spi.LldDiscoverable;
import dev.concierge.courier.core.spi.Secret;
import dev.concierge.courier.core.spi.Source;
import dev.concierge.courier.core.spi.SourceException;
import dev.concierge.courier.sources.consul.ConsulConfig;
import dev.concierge.courier.sources.consul.ConsulLld;
import dev.concierge.courier.sources.dropwizard.DropwizardDiscovery;
import dev.concierge.courier.sources.dropwizard.DropwizardKind;
import dev.concierge.courier.sources.dropwizard.DropwizardMetricNames;
import dev.concierge.courier.sources.fetch.DocumentFetcher;
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
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;

/**
 * {@code courier discover}: prints Zabbix low-level discovery JSON, for use as a Zabbix agent
 * {@code UserParameter}, from one of four places:
 * <ul>
 *   <li>a Dropwizard document ({@code --url}/{@code --file}): only the metric names are read, so it answers
 *       well inside the agent's 3 s timeout on a cold JVM;</li>
 *   <li>a Prometheus exposition ({@code --type prometheus}): one row per series ({@code {#NAME}} plus one
 *       macro per label), optionally for one family; an exposition with any malformed line is refused;</li>
 *   <li>Consul ({@code --type consul}, {@code --agent}, {@code --service}): one row per passing instance, from
 *       one non-blocking {@code /v1/health/service/:name} query per service, with the ACL token taken from
 *       {@value #TOKEN_VARIABLE} only (never a flag, which would show in {@code ps} and in the agent's
 *       configuration);</li>
 *   <li>the snapshot {@code courier run} keeps of a configured source ({@code --from}, or
 *       {@code --data-dir} with {@code --source}): no network at all. Any source type with the
 *       {@link dev.concierge.courier.core.spi.LldDiscoverable} ability has one; for a type without it the
 *       snapshot says so, and is refused. A stale snapshot (older than
 *       {@value DiscoverySnapshot#STALE_AFTER_INTERVALS} collect intervals, or {@code --max-age}), an
 *       incomplete one, or a Consul service without a current answer is refused;</li>
 *   <li>a configured source itself ({@code --config} with {@code --source}): created from the configuration and
 *       collected once, its rows as the source's rules ({@code include}, {@code rename}...) leave them, so the
 *       items created from them match what {@code courier run} sends. Nothing else is created.</li>
 * </ul>
 * An LLD value is the complete list, and a partial or outdated one would make Zabbix mark the missing
 * entities as lost, so every failure goes to stderr with exit code 1 and nothing on stdout. Exit code 2 is a
 * usage error. The agent reports a non-zero exit as not supported, with the message, on the rule.
 */
@Command(name = "discover", mixinStandardHelpOptions = true,
        description = "Prints Zabbix LLD JSON for a Dropwizard document, a Prometheus exposition, Consul services,"
                + " the snapshot a running courier keeps of a source, or a configured source collected once.")
public final class DiscoverCommand implements Callable<Integer> {

    /** The environment variable the Consul ACL token is read from, as the consul CLI does. */
    static final String TOKEN_VARIABLE = "CONSUL_HTTP_TOKEN";

    static final class Location {
        @Option(names = "--url", paramLabel = "URL", description = "a Dropwizard admin or Prometheus /metrics URL")
        URI url;

        @Option(names = "--file", paramLabel = "FILE",
                description = "a file holding a metrics-json document or a Prometheus exposition")
        Path file;

        @Option(names = "--agent", paramLabel = "URL",
                description = "--type consul: the Consul agent's HTTP API (default: http://127.0.0.1:8500);"
                        + " the token is read from " + TOKEN_VARIABLE)
        URI agent;

        @Option(names = "--from", paramLabel = "FILE",
                description = "a snapshot courier run keeps: <data_dir>/discovery/<source>.json")
        Path from;

        @ArgGroup(exclusive = false)
        SourceByName byName;
    }

    /** A configured source: its snapshot ({@code --data-dir}) or itself, collected now ({@code --config}). */
    static final class SourceByName {
        @ArgGroup(exclusive = true, multiplicity = "1")
        Where where;

        @Option(names = "--source", required = true, paramLabel = "NAME", description = "a configured source name")
        String source;

        @Option(names = "--sink", paramLabel = "NAME",
                description = "with --config: the rows as this sink's rules leave them too, as it sends them")
        String sink;
    }

    static final class Where {
        @Option(names = "--data-dir", paramLabel = "DIR", description = "courier run's data_dir")
        Path dataDir;

        @Option(names = {"-c", "--config"}, paramLabel = "FILE",
                description = "the YAML configuration: collect --source once, rows as its rules leave them")
        Path config;
    }

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    Location location = new Location();

    @Option(names = "--type", paramLabel = "TYPE",
            description = "dropwizard (default), prometheus or consul; with --from, the snapshot's own type")
    String type;

    @Option(names = "--family", paramLabel = "NAME",
            description = "prometheus only: the series of this family (or sample name); default: every series")
    String family;

    @Option(names = "--kind", paramLabel = "KIND", converter = KindConverter.class,
            description = "timers, meters, counters, gauges or histograms; default: every kind, with {#TYPE}")
    DropwizardKind kind;

    @Option(names = "--service", paramLabel = "NAME",
            description = "consul only, repeatable: a service whose passing instances to list;"
                    + " with a snapshot, default: every watched service")
    List<String> services = new ArrayList<>();

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "array",
            description = "array (Zabbix 4.2+, default) or data ({\"data\":[...]}, older servers)")
    String format;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "2s", converter = DurationConverter.class,
            description = "how long to wait for the URL or the agent, connect included (default: ${DEFAULT-VALUE})")
    Duration timeout;

    @Option(names = "--max-size", paramLabel = "SIZE", defaultValue = "16MiB", converter = SizeConverter.class,
            description = "the largest document read (default: ${DEFAULT-VALUE})")
    long maxBytes;

    @Option(names = "--max-age", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "with a snapshot: the oldest one answered from (default: "
                    + DiscoverySnapshot.STALE_AFTER_INTERVALS + " of the source's collect intervals)")
    Duration maxAge;

    // Only to refuse it without echoing it: picocli would print an unknown option's value in its error.
    @Option(names = "--token", hidden = true, paramLabel = "TOKEN")
    String tokenFlag;

    private final Map<String, String> environment;
    private final Clock clock;

    public DiscoverCommand() {
        this(System.getenv(), Clock.systemUTC());
    }

    /** For tests: the environment the token is read from and the clock staleness is judged by. */
    DiscoverCommand(Map<String, String> environment, Clock clock) {
        this.environment = environment;
        this.clock = clock;
    }

    @Override
    public Integer call() throws IOException {
        if (location == null) {
            location = new Location();
        }
        if (tokenFlag != null) {
            return usage("--token is not accepted, set " + TOKEN_VARIABLE + " instead (a flag shows in ps and in the "
                    + "agent's configuration)");
        }
        LldJson.Format output;
        switch (format.toLowerCase(Locale.ROOT)) {
            case "array" -> output = LldJson.Format.ARRAY;
            case "data" -> output = LldJson.Format.DATA_OBJECT;
            default -> {
                return usage("--format: " + format + " (expected: array or data)");
            }
        }
        if (location.byName != null && location.byName.where.config != null) {
            return configured(output);
        }
        if (location.byName != null && location.byName.sink != null) {
            return usage("--sink applies to --config only: a snapshot holds the source's rows");
        }
        if (location.from != null || location.byName != null) {
            return snapshot(output);
        }
        if (maxAge != null) {
            return usage("--max-age applies to --from and --data-dir/--source only");
        }
        String chosen = type != null ? type.toLowerCase(Locale.ROOT) : location.agent != null ? "consul" : "dropwizard";
        if (!chosen.equals("consul") && location.url == null && location.file == null) {
            return usage("one of --url, --file, --from, or --data-dir or --config with --source is required");
        }
        String misplaced = misplacedOption(chosen);
        if (misplaced != null) {
            return usage(misplaced);
        }
        switch (chosen) {
            case "dropwizard" -> {
                return dropwizard(output);
            }
            case "prometheus" -> {
                return prometheus(output);
            }
            case "consul" -> {
                return consul(output);
            }
            default -> {
                return usage("--type: " + type + " (expected: dropwizard, prometheus or consul)");
            }
        }
    }

    /** The first option given that {@code chosenType} does not take, as a usage message; null when none. */
    private String misplacedOption(String chosenType) {
        if (kind != null && !chosenType.equals("dropwizard")) {
            return "--kind applies to --type dropwizard only";
        }
        if (family != null && !chosenType.equals("prometheus")) {
            return "--family applies to --type prometheus only";
        }
        if (!services.isEmpty() && !chosenType.equals("consul")) {
            return "--service applies to --type consul only";
        }
        if (location.agent != null && !chosenType.equals("consul")) {
            return "--agent applies to --type consul only";
        }
        if ((location.url != null || location.file != null) && chosenType.equals("consul")) {
            return "--type consul reads from --agent, not --url or --file";
        }
        return null;
    }

    private int dropwizard(LldJson.Format output) throws IOException {
        DropwizardMetricNames names;
        try (DocumentFetcher fetcher = location.url != null
                ? DocumentFetcher.http(location.url, timeout, maxBytes)
                : DocumentFetcher.file(location.file, maxBytes)) {
            names = DropwizardMetricNames.read(fetcher.fetch(), fetcher.location());
        } catch (SourceException e) {
            return failure(e.getMessage());
        }
        return print(DropwizardDiscovery.rows(names), output);
    }

    private int consul(LldJson.Format output) throws IOException {
        if (services.isEmpty()) {
            return usage("--type consul needs at least one --service NAME");
        }
        String value = environment.get(TOKEN_VARIABLE);
        Secret token = value == null || value.isEmpty() ? null : Secret.of(value);
        dev.concierge.courier.core.settings.SettingProblem tokenProblem = token == null ? null : ConsulConfig.tokenProblem(token);
        if (tokenProblem != null) {
            // It names the position of a bad character, never the token.
            return usage(TOKEN_VARIABLE + ": " + tokenProblem);
        }
        URI agent = location.agent != null ? location.agent : ConsulConfig.DEFAULT_AGENT;
        LldRows rows;
        try {
            rows = ConsulLld.queryPassing(agent, token, timeout, services);
        } catch (SourceException e) {
            return failure(e.getMessage());
        }
        return print(rows, output);
    }

    private int snapshot(LldJson.Format output) throws IOException {
        Path file = location.from != null ? location.from
                : DiscoverySnapshot.fileFor(location.byName.where.dataDir.resolve(DiscoverySnapshot.DIRECTORY),
                        location.byName.source);
        DiscoverySnapshot snapshot;
        try {
            snapshot = DiscoverySnapshot.read(file);
        } catch (NoSuchFileException e) {
            return failure(file + ": no snapshot (courier run writes it after the source's first successful collect)");
        } catch (IOException e) {
            return failure(file + ": " + e.getMessage());
        }
        if (type != null && !type.equalsIgnoreCase(snapshot.type())) {
            return usage("--type " + type + ", but " + file + " is a snapshot of a " + snapshot.type() + " source");
        }
        String misplaced = misplacedOption(snapshot.type());
        if (misplaced != null) {
            return usage(misplaced);
        }
        Duration oldest = maxAge != null ? maxAge
                : snapshot.interval().multipliedBy(DiscoverySnapshot.STALE_AFTER_INTERVALS);
        String refusal = snapshot.refusal(clock.instant(), oldest, services);
        if (refusal != null) {
            return failure(file + ": " + refusal);
        }
        return print(snapshot.rows(), output);
    }

    /**
     * {@code --config FILE --source NAME}: creates that one source as {@code courier run} would (no pipeline, no
     * ring, no ledger, no sinks), collects it once, and prints its rows as its rules leave them, which is what
     * {@code courier run} sends and its snapshots hold. A configuration with problems or an unknown source is a
     * usage error (2); a source without discovery, a failed collect or an incomplete list a failure (1).
     */
    private int configured(LldJson.Format output) throws IOException {
        Path file = location.byName.where.config;
        String name = location.byName.source;
        if (maxAge != null) {
            return usage("--max-age applies to --from and --data-dir/--source only");
        }
        CourierConfig loaded;
        try {
            loaded = CourierConfig.load(new YamlConfigParser(), file, PluginCatalog.load());
        } catch (ConfigException e) {
            System.err.println("courier discover: configuration " + file + " has problems:");
            System.err.println(e.getMessage());
            return 2;
        }
        SourceDefinition<?> definition = loaded.sources().stream()
                .filter(source -> source.name().equals(name)).findFirst().orElse(null);
        if (definition == null) {
            return usage("--source " + name + ": no such source in " + file + " (expected: one of "
                    + String.join(", ", loaded.sources().stream().map(SourceDefinition::name).toList()) + ")");
        }
        SampleProcessor sinkRules = SampleProcessor.none();
        // The keys a Zabbix sink sends under the default, or those of the sink named.
        NameEscaping escaping = NameEscaping.DEFAULT;
        String sinkName = location.byName.sink;
        if (sinkName != null) {
            SinkDefinition<?> sink = loaded.sinks().stream()
                    .filter(candidate -> candidate.name().equals(sinkName)).findFirst().orElse(null);
            if (sink == null) {
                return usage("--sink " + sinkName + ": no such sink in " + file + " (expected: one of "
                        + String.join(", ", loaded.sinks().stream().map(SinkDefinition::name).toList()) + ")");
            }
            if (sink.sources() != null && !sink.sources().contains(name)) {
                return usage("--sink " + sinkName + " does not take source " + name + " (its sources: "
                        + String.join(", ", sink.sources()) + ")");
            }
            sinkRules = sink.processor();
            escaping = sink.nameEscaping();
        }
        if (type != null && !type.equalsIgnoreCase(definition.type())) {
            return usage("--type " + type + ", but source " + name + " in " + file + " is of type " + definition.type());
        }
        String misplaced = misplacedOption(definition.type());
        if (misplaced != null) {
            return usage(misplaced);
        }
        Optional<LldRows> rows;
        try (Source source = definition.create()) {
            if (!(source instanceof LldDiscoverable discovery)) {
                return failure("source " + name + ": type " + definition.type() + " has no discovery");
            }
            // The samples are not wanted, only what the source learnt while offering them.
            source.collect(sample -> true);
            SampleProcessor sourceRules = definition.processor().fresh();
            SampleProcessor sinkSide = sinkRules.fresh();
            NameEscaping names = escaping;
            rows = sourceRules.isEmpty() && sinkSide.isEmpty() && names == NameEscaping.NONE ? discovery.lldRows()
                    : discovery.lldRows(sample -> {
                        Sample kept = sourceRules.apply(sample);
                        kept = kept == null ? null : sinkSide.apply(kept);
                        return kept == null ? null : names.apply(kept);
                    });
        } catch (SourceException e) {
            return failure("source " + name + ": " + e.getMessage());
        } catch (RuntimeException e) {
            return failure("source " + name + ": " + e);
        }
        if (rows.isEmpty()) {
            return failure("source " + name + ": nothing found at its collect");
        }
        return print(rows.get(), output);
    }

    /**
     * Prints the rows the filter options keep. A filter is a predicate on rows, and at most one applies, the
     * one of the source's type ({@link #misplacedOption}); a source of any other type is listed whole.
     */
    private int print(List<LldRow> rows, LldJson.Format output) throws IOException {
        Predicate<LldRow> keeps = kind != null ? DropwizardDiscovery.ofKind(kind)
                : family != null ? PrometheusDiscovery.inFamily(family)
                : LldRow.inGroups(services);
        List<Map<String, String>> selected = new ArrayList<>();
        for (LldRow row : rows) {
            if (keeps.test(row)) {
                // One Dropwizard kind is listed under its own macro: {"{#TIMER}":"app.requests"}.
                selected.add(kind != null ? DropwizardDiscovery.kindMacros(kind, row) : row.macros());
            }
        }
        OutputStream out = new BufferedOutputStream(System.out);
        LldJson.write(selected, output, out);
        out.write('\n');
        out.flush();
        return 0;
    }

    /** Prints a list the command read itself; an incomplete one is refused. */
    private int print(LldRows rows, LldJson.Format output) throws IOException {
        if (rows.incomplete() != null) {
            return failure(rows.incomplete());
        }
        return print(rows.rows(), output);
    }

    private static int usage(String message) {
        System.err.println("courier discover: " + message);
        return 2;
    }

    private static int failure(String message) {
        System.err.println("courier discover: " + message);
        return 1;
    }

    private int prometheus(LldJson.Format output) throws IOException {
        FetchedDocument document;
        String where;
        try (DocumentFetcher fetcher = location.url != null
                ? HttpFetcher.create(location.url, timeout, maxBytes, PrometheusFormat.ACCEPT, true)
                : DocumentFetcher.file(location.file, maxBytes)) {
            document = fetcher.fetchDocument();
            where = fetcher.location();
        } catch (SourceException e) {
            return failure(e.getMessage());
        }
        PrometheusFormat format = location.url != null ? PrometheusFormat.ofContentType(document.contentType())
                : formatOfFile(document.body());
        PrometheusParseResult parsed = new PrometheusTextParser().parse(document.body(), format, Instant.now(), "-", "-");
        if (parsed.hasProblems()) {
            return failure(where + ": " + parsed.problemCount() + " problems, no discovery sent: "
                    + parsed.problems().get(0));
        }
        return print(PrometheusDiscovery.rows(parsed), output);
    }

    /** A file is OpenMetrics when its last line is {@code # EOF}, which only OpenMetrics has. */
    private static PrometheusFormat formatOfFile(byte[] body) {
        String tail = new String(body, Math.max(0, body.length - 8), Math.min(8, body.length), StandardCharsets.US_ASCII);
        return tail.stripTrailing().endsWith("# EOF") ? PrometheusFormat.OPENMETRICS_1_0 : PrometheusFormat.TEXT_0_0_4;
    }

    static final class DurationConverter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            return DurationSyntax.parse(value);
        }
    }

    static final class SizeConverter implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            return ByteSize.parse(value).bytes();
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
