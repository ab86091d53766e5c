/**
 * The Prometheus source: scrapes an exporter's text exposition (0.0.4 or OpenMetrics 1.0) and turns every
 * series into a sample. {@link dev.concierge.courier.sources.prometheus.PrometheusScrapeSource} is the
 * source, {@link dev.concierge.courier.sources.prometheus.PrometheusConfig} its configuration (documented in
 * {@code sample.yaml} beside this package's classes),
 * {@link dev.concierge.courier.sources.prometheus.PrometheusTextParser} the parser (built from package-private
 * parts that are tested alone: a line scanner, a label block reader, a Go float parser, a timestamp reader
 * and three caches; its Javadoc names them), and
 * {@link dev.concierge.courier.sources.prometheus.PrometheusDiscovery} makes Zabbix LLD rows from a parsed
 * exposition, which the source lists as its discovery ability.
 *
 * <h2>From a series to a sample</h2>
 * <ul>
 *   <li>{@code name} is the sample name as exposed, suffix included ({@code http_requests_total},
 *       {@code rpc_duration_seconds_bucket}); the same in both formats, because OpenMetrics names the
 *       counter family {@code http_requests} but its sample {@code http_requests_total}.
 *       {@code field} is always null.</li>
 *   <li>{@code labels} are the series' labels, {@code le} and {@code quantile} included. A label with an
 *       empty value is absent (Prometheus's rule). An integer {@code le} or {@code quantile} is written in
 *       the canonical float form ({@code le="1"} becomes {@code 1.0}), as OpenMetrics writes it and as
 *       Prometheus 3 normalises it, so a bucket keeps its key when an exporter switches format.</li>
 *   <li>{@code type} from {@code # TYPE}: counter, gauge, histogram, summary; {@code gaugehistogram} is a
 *       histogram, {@code stateset} and {@code info} are gauges, {@code untyped}/{@code unknown} or no TYPE
 *       is untyped.</li>
 *   <li>{@code value}: bucket counts, {@code _count}, {@code _gcount}, info and stateset values are
 *       {@code Integer} when integral (exact above 2^53 when written as an integer); every other value is a
 *       {@code Decimal}, Prometheus's float64. The choice depends on the series, never on how one scrape
 *       happened to print the number, so a series keeps one value type (InfluxDB refuses a field that
 *       changes type; a Zabbix item has one value type). NaN and infinities are Decimals in the parse
 *       result; the source skips and counts them.</li>
 *   <li>Time: the sample's own timestamp when it has one (0.0.4 milliseconds, OpenMetrics seconds, exact
 *       to the nanosecond), else the instant the response arrived.</li>
 * </ul>
 *
 * <h2>Zabbix keys and LLD</h2>
 * The Zabbix key rule ({@code ZabbixKeys}, beside the Zabbix sink's client) applies unchanged:
 * {@code <type>[<name>,<label>=<value>,...]}, labels sorted by name, a parameter quoted when it starts
 * with a space or a quote or holds {@code ,}, {@code [} or {@code ]}:
 * <pre>
 *   node_cpu_seconds_total{cpu="0",mode="idle"} 1.5     counter[node_cpu_seconds_total,cpu=0,mode=idle]
 *   node_load1 0.25                                    gauge[node_load1]
 *   http_duration_seconds_bucket{le="0.5",path="/a,b"}  histogram[http_duration_seconds_bucket,le=0.5,"path=/a,b"]
 *   rpc_duration_seconds{quantile="0.99"} 0.03         summary[rpc_duration_seconds,quantile=0.99]
 * </pre>
 * {@link dev.concierge.courier.sources.prometheus.PrometheusDiscovery} makes one LLD row per series,
 * {@code {"{#NAME}":"node_cpu_seconds_total","{#CPU}":"0","{#MODE}":"idle"}}, so the item prototype
 * {@code counter[{#NAME},cpu={#CPU},mode={#MODE}]} produces exactly the keys the sink sends: Zabbix quotes a
 * substituted key parameter by the same rule when the value needs it.
 *
 * <h2>Names</h2>
 * Metric and label names may be UTF-8 in Prometheus 3's quoted syntax ({@code {"my.metric","a.b"="x"} 1},
 * {@code # TYPE "my.metric" counter}), in both formats. A sample's {@code name} and label names are the
 * true names, escapes resolved and nothing else changed; how a sink renders a name that is not legacy
 * ({@code underscores}, {@code dots}, {@code values}) is the sink's choice, not the parser's.
 *
 * <h2>Problems</h2>
 * The parser never throws on input: every line it cannot use is reported with its line, column and reason
 * and skipped, and every other line is kept. OpenMetrics is checked as its reference parser checks it
 * ({@link dev.concierge.courier.sources.prometheus.OpenMetricsFamilyRules}); a problem of a line costs the
 * line, a problem of the exposition as a whole (no {@code # EOF}, a histogram group without its
 * {@code +Inf} bucket) is reported and costs none. An OpenMetrics exposition without {@code # EOF} is
 * reported as possibly truncated and its complete lines are kept (an unterminated last line is dropped);
 * Prometheus itself would drop the whole scrape, which the source's {@code on_invalid: fail} does
 * ({@link dev.concierge.courier.sources.prometheus.InvalidScrapePolicy}).
 *
 * <h2>Start times</h2>
 * An OpenMetrics {@code _created} sample of a counter, histogram or summary is the start time of the series
 * of its family with the same labels: the parse result lists it as a
 * {@link dev.concierge.courier.sources.prometheus.SeriesStart}, and it becomes a sample only when the source
 * is configured with {@code created_series: true}.
 */
package dev.concierge.courier.sources.prometheus;
