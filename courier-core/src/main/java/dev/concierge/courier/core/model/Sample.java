package dev.concierge.courier.core.model;

import java.time.Instant;
import java.util.Objects;

/**
 * One value read from a source, immutable and safe to share between threads and sinks.
 *
 * @param name        the metric name as the source exposes it ({@code app.requests}, {@code node_cpu_seconds_total})
 * @param labels      the metric's labels; empty for sources without labels (Dropwizard)
 * @param type        what kind of metric the value came from
 * @param field       the field within the metric where the source has one ({@code p99}, {@code m1_rate},
 *                    {@code count}); null when the metric has a single value
 * @param value       the value
 * @param epochSecond the timestamp's whole seconds since the epoch
 * @param nanos       the timestamp's nanoseconds within the second, 0..999,999,999
 * @param host        the host the value belongs to (a Zabbix host name, a Graphite path element)
 * @param source      the name of the configured source that produced it
 * @param estimatedBytes a rough estimate of the heap this sample holds, used for byte budgets: one byte per
 *                    character (most names are Latin-1 compact strings) plus object headers. Computed once,
 *                    by the constructor without it, because the ring and every backlog charge it per sample.
 * @param nameSyntax  the rules {@code name} and the label names follow: whether a sink's {@code name_escaping}
 *                    applies to them; {@link NameSyntax#VERBATIM} unless the source reads Prometheus's data model
 */
public record Sample(String name, Labels labels, MetricType type, String field, SampleValue value,
                     long epochSecond, int nanos, String host, String source, int estimatedBytes,
                     NameSyntax nameSyntax) {

    /** A sample with {@link NameSyntax#VERBATIM} names and its {@link #estimatedBytes()} computed from the other fields. */
    public Sample(String name, Labels labels, MetricType type, String field, SampleValue value,
                  long epochSecond, int nanos, String host, String source) {
        this(name, labels, type, field, value, epochSecond, nanos, host, source, NameSyntax.VERBATIM);
    }

    /** A sample with its {@link #estimatedBytes()} computed from the other fields. */
    public Sample(String name, Labels labels, MetricType type, String field, SampleValue value,
                  long epochSecond, int nanos, String host, String source, NameSyntax nameSyntax) {
        this(name, labels, type, field, value, epochSecond, nanos, host, source,
                estimate(name, labels, field, value, host, source), nameSyntax);
    }

    /** A sample with {@link NameSyntax#VERBATIM} names. */
    public Sample(String name, Labels labels, MetricType type, String field, SampleValue value,
                  long epochSecond, int nanos, String host, String source, int estimatedBytes) {
        this(name, labels, type, field, value, epochSecond, nanos, host, source, estimatedBytes,
                NameSyntax.VERBATIM);
    }

    public Sample {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(labels, "labels");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(nameSyntax, "nameSyntax");
        if (nanos < 0 || nanos > 999_999_999) {
            throw new IllegalArgumentException("nanos: " + nanos + " (expected: 0..999999999)");
        }
        if (estimatedBytes < 0) {
            throw new IllegalArgumentException("estimatedBytes: " + estimatedBytes + " (expected: >= 0)");
        }
    }

    /** A sample without labels, timestamped at {@code at}. */
    public static Sample of(String name, MetricType type, String field, SampleValue value, Instant at,
                            String host, String source) {
        return new Sample(name, Labels.empty(), type, field, value, at.getEpochSecond(), at.getNano(), host,
                source);
    }

    public Instant timestamp() {
        return Instant.ofEpochSecond(epochSecond, nanos);
    }

    /**
     * This sample under another name, a {@link NameSyntax#VERBATIM} one: a name a rule wrote is the operator's
     * and is sent as written. The same sample when {@code newName} is equal.
     */
    public Sample withName(String newName) {
        return newName.equals(name) ? this
                : new Sample(newName, labels, type, field, value, epochSecond, nanos, host, source);
    }

    /** This sample with other labels; the same sample when {@code newLabels} are equal. */
    public Sample withLabels(Labels newLabels) {
        return newLabels.equals(labels) ? this
                : new Sample(name, newLabels, type, field, value, epochSecond, nanos, host, source, nameSyntax);
    }

    /** This sample for another host; the same sample when {@code newHost} is equal. */
    public Sample withHost(String newHost) {
        return newHost.equals(host) ? this
                : new Sample(name, labels, type, field, value, epochSecond, nanos, newHost, source, nameSyntax);
    }

    /** {@code name.field}, or {@code name} when there is no field. */
    public String qualifiedName() {
        return field == null ? name : name + '.' + field;
    }

    // Null fields are left for the canonical constructor to report, by name.
    private static int estimate(String name, Labels labels, String field, SampleValue value, String host,
                                String source) {
        if (name == null || labels == null || host == null || source == null) {
            return 0;
        }
        int bytes = 96 + 40 + name.length() + 40 + host.length() + 40 + source.length() + labels.estimatedBytes();
        if (field != null) {
            bytes += 40 + field.length();
        }
        if (value instanceof SampleValue.Text text) {
            bytes += 40 + text.value().length();
        }
        return bytes;
    }
}
