package dev.concierge.courier.app.wiring;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The configuration {@code courier config sample} prints, made of the samples the plugins document (see
 * {@code SourceType.sample()}): each sample, a top-level mapping, is indented into its list as one entry with its
 * comments kept, types in name order. The whole passes {@code courier check} when every sample does.
 */
public final class SampleConfiguration {
    static final String HEADER = """
            # A sample Concierge Courier configuration: every source and sink type this courier knows, each with
            # its keys documented (`courier config sample TYPE` prints one type). It passes `courier check` as it
            # is; keep the entries you need, point them at your own endpoints and remove the rest. The other
            # top-level keys (ring, ledger, shutdown_deadline, self_metrics, admin) are described in the README.

            # Required. Where the courier keeps its state: the delivery ledger, sink backlogs and discovery snapshots.
            data_dir: /var/lib/courier
            """;

    private final PluginCatalog catalog;

    public SampleConfiguration(PluginCatalog catalog) {
        this.catalog = catalog;
    }

    /** Every source and sink type's name, sorted, each once (a source and a sink type may share a name). */
    public List<String> types() {
        TreeSet<String> types = new TreeSet<>(catalog.sourceTypes());
        types.addAll(catalog.sinkTypes());
        return List.copyOf(types);
    }

    /** A whole configuration: the header, {@code data_dir}, then every source type's sample and every sink's. */
    public String complete() {
        return HEADER + "\n" + section("sources", catalog.sourceTypes(), catalog::sourceSample)
                + "\n" + section("sinks", catalog.sinkTypes(), catalog::sinkSample);
    }

    /**
     * The samples of the types called {@code type}, each under its list key ({@code sources:} or {@code sinks:});
     * empty when no type has that name.
     */
    public Optional<String> ofType(String type) {
        StringBuilder text = new StringBuilder();
        if (catalog.sourceTypes().contains(type)) {
            text.append(section("sources", List.of(type), catalog::sourceSample));
        }
        if (catalog.sinkTypes().contains(type)) {
            text.append(text.isEmpty() ? "" : "\n").append(section("sinks", List.of(type), catalog::sinkSample));
        }
        return text.isEmpty() ? Optional.empty() : Optional.of(text.toString());
    }

    private static String section(String key, List<String> types, Function<String, Optional<URL>> samples) {
        StringBuilder text = new StringBuilder(key).append(":\n");
        for (int i = 0; i < types.size(); i++) {
            String type = types.get(i);
            text.append(i == 0 ? "" : "\n").append(samples.apply(type)
                    .map(sample -> asListEntry(read(sample)))
                    // A comment keeps the section valid YAML and still says the type exists.
                    .orElse("  # type: " + type + ": its plugin documents no sample\n"));
        }
        return text.toString();
    }

    /**
     * A top-level mapping as one entry of a list under a key: comments before its first key are indented to the
     * dash, the first key takes the dash, every later line (comments, keys, nested values) moves with it.
     */
    static String asListEntry(String mapping) {
        StringBuilder entry = new StringBuilder();
        boolean started = false;
        for (String line : mapping.strip().lines().toList()) {
            if (line.isBlank()) {
                entry.append('\n');
            } else if (started) {
                entry.append("    ").append(line).append('\n');
            } else {
                started = !line.stripLeading().startsWith("#");
                entry.append(started ? "  - " : "  ").append(line).append('\n');
            }
        }
        return entry.toString();
    }

    private static String read(URL sample) {
        try (InputStream in = sample.openStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            // The samples are resources of the plugins' own jars: unreadable means a broken installation.
            throw new UncheckedIOException("sample " + sample, e);
        }
    }
}
