/**
 * The Dropwizard Metrics source: reads the JSON that {@code metrics-json}'s {@code MetricsModule} writes
 * (served by {@code MetricsServlet}, or dumped to a file) and turns it into samples.
 * {@link dev.concierge.courier.sources.dropwizard.DropwizardJsonSource} is the source,
 * {@link dev.concierge.courier.sources.dropwizard.DropwizardConfig} its configuration (documented in
 * {@code sample.yaml} beside this package's classes), and
 * {@link dev.concierge.courier.sources.dropwizard.DropwizardJsonParser} the document parser.
 * {@link dev.concierge.courier.sources.dropwizard.DropwizardDiscovery} makes Zabbix LLD rows from the
 * names {@link dev.concierge.courier.sources.dropwizard.DropwizardMetricNames} reads, on a path light enough
 * for an agent UserParameter; the source lists the same rows as its discovery ability.
 *
 * <p>Conventions of this package:
 * <ul>
 *   <li>Streaming only: jackson-core's {@code JsonParser}, never databind. {@code DropwizardJsonReader} owns
 *       the document's shape; the parsers only read the fields of one metric.</li>
 *   <li>A sample's {@code name} is the metric name as registered, its {@code field} the JSON field name
 *       ({@code p99}, {@code m1_rate}, {@code units}); gauges have no field. Labels are empty, except for the
 *       tags of a Dropwizard Metrics 5 key ({@code app.requests{method=GET}}, read by
 *       {@link dev.concierge.courier.sources.dropwizard.DropwizardTaggedName}). Names are
 *       {@link dev.concierge.courier.core.model.NameSyntax#VERBATIM}: no sink escapes them.</li>
 *   <li>Values that cannot be a sample are skipped and counted, never guessed at: non-finite numbers,
 *       gauges whose {@code getValue()} threw, and values of an unusable JSON type.</li>
 *   <li>A malformed document fails whole, with its line and column, and yields no samples.</li>
 * </ul>
 */
package dev.concierge.courier.sources.dropwizard;
