/**
 * The processing stage: selecting, renaming and tagging samples by the rules of one source or one sink
 * ({@code include}, {@code exclude}, {@code fields}, {@code metric_relabel_configs}, {@code host_from_label},
 * {@code rename}, {@code labels}), bound from the configuration by {@link dev.concierge.courier.core.process.ProcessingSettings}
 * and run by a {@link dev.concierge.courier.core.process.SampleProcessor}.
 *
 * <p>Where it runs: a source's rules run on the source's thread, in the pipeline's emitter, before the sample
 * is offered to the ring, so a sample a source drops never takes ring space; a sink's rules run on the sink's
 * thread as it takes samples from the ring, before its backlog, so the sink, its backlog and its ledger see only
 * processed samples. Everything a sink makes from a sample (a Zabbix host and key, a Graphite path, an Influx
 * line) is therefore made from the processed one.
 *
 * <p>Contract: a rule never throws for a sample; a dropped sample is counted by reason
 * ({@link dev.concierge.courier.core.process.DropReason}), never logged one by one. Rules are immutable and
 * compare equal when written alike, so a reload restarts a source or sink only when its rules changed.
 *
 * <p>Syntax, chosen once for every rule: name patterns are globs ({@code *}, {@code ?}) or a regex between
 * slashes ({@code /.../}); label matchers are Prometheus's ({@code {job="api", code=~"5.."}}); every regex is
 * anchored at both ends, as Prometheus anchors them, and written in Java's syntax (RE2's {@code (?P<name>)}
 * groups are accepted); replacements expand {@code $1}, {@code ${1}} and {@code $name} by Go's rules, as
 * Prometheus does.
 *
 * <p>Cost model: no rules, nothing: the pipeline checks {@link dev.concierge.courier.core.process.SampleProcessor#isEmpty()}
 * and does not call the stage. With rules, a sample costs one pass over the chain: a literal name is compared,
 * a glob or regex is one anchored match, a label matcher one binary search in the sorted labels; a sample that
 * no rule changes is returned as the same instance and allocates nothing beyond the matchers' own
 * {@link java.util.regex.Matcher}; a rule that changes a sample allocates its new name, labels and sample. The
 * counts are {@link java.util.concurrent.atomic.LongAdder}s, cheap under contention.
 * {@code SampleProcessorBenchmark} in {@code benchmarks} measures no rules, typical rules and 50 rules.
 */
package dev.concierge.courier.core.process;
