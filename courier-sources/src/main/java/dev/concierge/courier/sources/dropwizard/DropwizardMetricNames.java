package dev.concierge.courier.sources.dropwizard;

import com.fasterxml.jackson.core.JsonParser;
import dev.concierge.courier.core.spi.SourceException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The metric names of one document, per kind, sorted and without duplicates: what LLD is built from.
 * Every metric in a known section counts, whatever its values: a gauge that fails or returns text on one
 * scrape is still the same entity, and dropping it from discovery would start Zabbix's lost-resource timer.
 * Immutable.
 */
public final class DropwizardMetricNames {
    private final Map<DropwizardKind, SortedSet<String>> names;

    private DropwizardMetricNames(Map<DropwizardKind, SortedSet<String>> names) {
        this.names = names;
    }

    /**
     * Reads only the names from a document: the cheap path for a discovery command that must answer on a
     * cold JVM. Metric objects are skipped token by token, no sample is built, and nothing is logged; the
     * document is still checked in full, so a truncated one fails instead of yielding a partial list.
     *
     * @param origin where the document came from, for error messages
     */
    public static DropwizardMetricNames read(InputStream document, String origin) throws SourceException {
        JsonParser parser;
        try {
            parser = DropwizardJsonReader.FACTORY.createParser(document);
        } catch (IOException e) {
            throw new SourceException(origin + ": " + e.getMessage(), e);
        }
        return read(parser, origin);
    }

    /** {@link #read(InputStream, String)} over a document already in memory. */
    public static DropwizardMetricNames read(byte[] document, String origin) throws SourceException {
        JsonParser parser;
        try {
            parser = DropwizardJsonReader.FACTORY.createParser(document);
        } catch (IOException e) {
            throw new SourceException(origin + ": " + e.getMessage(), e);
        }
        return read(parser, origin);
    }

    private static DropwizardMetricNames read(JsonParser parser, String origin) throws SourceException {
        Builder builder = new Builder();
        DropwizardJsonReader.walk(parser, origin, (kind, name, p) -> {
            builder.add(kind, name);
            p.skipChildren();
        });
        return builder.build();
    }

    /** The names of one kind, sorted; empty when the section is empty or absent. */
    public SortedSet<String> of(DropwizardKind kind) {
        SortedSet<String> set = names.get(kind);
        return set == null ? Collections.emptySortedSet() : set;
    }

    /** True when no known section holds a metric. */
    public boolean isEmpty() {
        return names.isEmpty();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DropwizardMetricNames other && names.equals(other.names);
    }

    @Override
    public int hashCode() {
        return names.hashCode();
    }

    @Override
    public String toString() {
        return names.toString();
    }

    /** Collects names while a document is walked; not thread-safe. */
    static final class Builder {
        private final Map<DropwizardKind, SortedSet<String>> names = new EnumMap<>(DropwizardKind.class);

        void add(DropwizardKind kind, String name) {
            names.computeIfAbsent(kind, k -> new TreeSet<>()).add(name);
        }

        DropwizardMetricNames build() {
            Map<DropwizardKind, SortedSet<String>> frozen = new EnumMap<>(DropwizardKind.class);
            names.forEach((kind, set) -> frozen.put(kind, Collections.unmodifiableSortedSet(set)));
            return new DropwizardMetricNames(Collections.unmodifiableMap(frozen));
        }
    }
}
