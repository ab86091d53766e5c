package dev.concierge.courier.sources.dropwizard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.concierge.courier.core.model.Labels;
import dev.concierge.courier.core.model.MetricType;
import dev.concierge.courier.core.model.NameSyntax;
import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.model.SampleValue;
import dev.concierge.courier.core.spi.SourceException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class DropwizardJsonParserTest {
    private static final Instant AT = Instant.parse("2026-03-01T12:00:00.123456789Z");
    private static final String HOST = "app-1";
    private static final String SOURCE = "orders";

    private final DropwizardJsonParser parser = new DropwizardJsonParser(SOURCE, HOST);

    @Test
    void readsEveryTypeWrittenByTheRealMetricsModule() throws SourceException {
        byte[] document = RegistryDocuments.write(RegistryDocuments.everyType());

        List<Sample> samples = parser.parse(document, "registry", AT).samples();

        assertThat(samples).extracting(Sample::type, Sample::name, Sample::field).containsExactlyInAnyOrder(
                tuple(MetricType.GAUGE, "jvm.memory.heap.used", null),
                tuple(MetricType.GAUGE, "pool.fill", null),
                tuple(MetricType.GAUGE, "app.status", null),
                tuple(MetricType.GAUGE, "app.ready", null),
                tuple(MetricType.COUNTER, "jobs.active", "count"),
                tuple(MetricType.HISTOGRAM, "payload.size", "count"),
                tuple(MetricType.HISTOGRAM, "payload.size", "max"),
                tuple(MetricType.HISTOGRAM, "payload.size", "mean"),
                tuple(MetricType.HISTOGRAM, "payload.size", "min"),
                tuple(MetricType.HISTOGRAM, "payload.size", "p50"),
                tuple(MetricType.HISTOGRAM, "payload.size", "p75"),
                tuple(MetricType.HISTOGRAM, "payload.size", "p95"),
                tuple(MetricType.HISTOGRAM, "payload.size", "p98"),
                tuple(MetricType.HISTOGRAM, "payload.size", "p99"),
                tuple(MetricType.HISTOGRAM, "payload.size", "p999"),
                tuple(MetricType.HISTOGRAM, "payload.size", "stddev"),
                tuple(MetricType.METER, "requests", "count"),
                tuple(MetricType.METER, "requests", "m15_rate"),
                tuple(MetricType.METER, "requests", "m1_rate"),
                tuple(MetricType.METER, "requests", "m5_rate"),
                tuple(MetricType.METER, "requests", "mean_rate"),
                tuple(MetricType.METER, "requests", "units"),
                tuple(MetricType.TIMER, "db.query", "count"),
                tuple(MetricType.TIMER, "db.query", "max"),
                tuple(MetricType.TIMER, "db.query", "mean"),
                tuple(MetricType.TIMER, "db.query", "min"),
                tuple(MetricType.TIMER, "db.query", "p50"),
                tuple(MetricType.TIMER, "db.query", "p75"),
                tuple(MetricType.TIMER, "db.query", "p95"),
                tuple(MetricType.TIMER, "db.query", "p98"),
                tuple(MetricType.TIMER, "db.query", "p99"),
                tuple(MetricType.TIMER, "db.query", "p999"),
                tuple(MetricType.TIMER, "db.query", "stddev"),
                tuple(MetricType.TIMER, "db.query", "m15_rate"),
                tuple(MetricType.TIMER, "db.query", "m1_rate"),
                tuple(MetricType.TIMER, "db.query", "m5_rate"),
                tuple(MetricType.TIMER, "db.query", "mean_rate"),
                tuple(MetricType.TIMER, "db.query", "duration_units"),
                tuple(MetricType.TIMER, "db.query", "rate_units"));

        Map<String, SampleValue> values = samples.stream()
                .collect(Collectors.toMap(s -> s.type().keyPrefix() + ":" + s.qualifiedName(), Sample::value));
        assertThat(values).containsEntry("gauge:jvm.memory.heap.used", SampleValue.of(123_456_789L))
                .containsEntry("gauge:pool.fill", SampleValue.of(0.25))
                .containsEntry("gauge:app.status", SampleValue.of("UP"))
                .containsEntry("gauge:app.ready", SampleValue.of(1L))
                .containsEntry("counter:jobs.active.count", SampleValue.of(3L))
                .containsEntry("histogram:payload.size.count", SampleValue.of(3L))
                .containsEntry("histogram:payload.size.max", SampleValue.of(900L))
                .containsEntry("histogram:payload.size.min", SampleValue.of(12L))
                .containsEntry("meter:requests.count", SampleValue.of(42L))
                .containsEntry("meter:requests.units", SampleValue.of("events/second"))
                .containsEntry("timer:db.query.count", SampleValue.of(2L))
                .containsEntry("timer:db.query.max", SampleValue.of(250.0))
                .containsEntry("timer:db.query.min", SampleValue.of(50.0))
                .containsEntry("timer:db.query.duration_units", SampleValue.of("milliseconds"))
                .containsEntry("timer:db.query.rate_units", SampleValue.of("calls/second"));
        assertThat(values.get("histogram:payload.size.mean")).isInstanceOf(SampleValue.Decimal.class);
        assertThat(values.get("meter:requests.mean_rate")).isInstanceOf(SampleValue.Decimal.class);

        assertThat(samples).allSatisfy(s -> {
            assertThat(s.timestamp()).isEqualTo(AT);
            assertThat(s.host()).isEqualTo(HOST);
            assertThat(s.source()).isEqualTo(SOURCE);
        });
        assertThat(parser.nonFiniteValues()).as("the ratio gauge's NaN").isEqualTo(1);
        assertThat(parser.gaugeErrors()).as("the gauge that throws").isEqualTo(1);
        assertThat(parser.unsupportedValues()).as("the gauge returning a list").isEqualTo(1);
    }

    @Test
    void readsTheProtocolDigestExampleExactly() throws Exception {
        List<Sample> samples = parser.parse(resource("protocols-example.json"), "example", AT).samples();

        assertThat(samples).containsExactly(
                sample("jvm.memory.heap.used", MetricType.GAUGE, null, SampleValue.of(123456789L)),
                sample("jobs.active", MetricType.COUNTER, "count", SampleValue.of(3L)),
                sample("payload.size", MetricType.HISTOGRAM, "count", SampleValue.of(10L)),
                sample("payload.size", MetricType.HISTOGRAM, "max", SampleValue.of(900L)),
                sample("payload.size", MetricType.HISTOGRAM, "mean", SampleValue.of(412.5)),
                sample("payload.size", MetricType.HISTOGRAM, "min", SampleValue.of(12L)),
                sample("payload.size", MetricType.HISTOGRAM, "p50", SampleValue.of(400.0)),
                sample("payload.size", MetricType.HISTOGRAM, "p75", SampleValue.of(600.0)),
                sample("payload.size", MetricType.HISTOGRAM, "p95", SampleValue.of(880.0)),
                sample("payload.size", MetricType.HISTOGRAM, "p98", SampleValue.of(890.0)),
                sample("payload.size", MetricType.HISTOGRAM, "p99", SampleValue.of(900.0)),
                sample("payload.size", MetricType.HISTOGRAM, "p999", SampleValue.of(900.0)),
                sample("payload.size", MetricType.HISTOGRAM, "stddev", SampleValue.of(210.3)),
                sample("requests", MetricType.METER, "count", SampleValue.of(42L)),
                sample("requests", MetricType.METER, "m15_rate", SampleValue.of(0.9)),
                sample("requests", MetricType.METER, "m1_rate", SampleValue.of(1.2)),
                sample("requests", MetricType.METER, "m5_rate", SampleValue.of(1.0)),
                sample("requests", MetricType.METER, "mean_rate", SampleValue.of(1.1)),
                sample("requests", MetricType.METER, "units", SampleValue.of("events/second")),
                sample("db.query", MetricType.TIMER, "count", SampleValue.of(42L)),
                sample("db.query", MetricType.TIMER, "max", SampleValue.of(0.25)),
                sample("db.query", MetricType.TIMER, "mean", SampleValue.of(0.05)),
                sample("db.query", MetricType.TIMER, "min", SampleValue.of(0.001)),
                sample("db.query", MetricType.TIMER, "p50", SampleValue.of(0.04)),
                sample("db.query", MetricType.TIMER, "p75", SampleValue.of(0.06)),
                sample("db.query", MetricType.TIMER, "p95", SampleValue.of(0.2)),
                sample("db.query", MetricType.TIMER, "p98", SampleValue.of(0.22)),
                sample("db.query", MetricType.TIMER, "p99", SampleValue.of(0.24)),
                sample("db.query", MetricType.TIMER, "p999", SampleValue.of(0.25)),
                sample("db.query", MetricType.TIMER, "stddev", SampleValue.of(0.03)),
                sample("db.query", MetricType.TIMER, "m15_rate", SampleValue.of(0.9)),
                sample("db.query", MetricType.TIMER, "m1_rate", SampleValue.of(1.2)),
                sample("db.query", MetricType.TIMER, "m5_rate", SampleValue.of(1.0)),
                sample("db.query", MetricType.TIMER, "mean_rate", SampleValue.of(1.1)),
                sample("db.query", MetricType.TIMER, "duration_units", SampleValue.of("seconds")),
                sample("db.query", MetricType.TIMER, "rate_units", SampleValue.of("calls/second")));
        assertThat(parser.nonFiniteValues()).isEqualTo(1);
        assertThat(parser.gaugeErrors()).isEqualTo(1);
        assertThat(parser.unsupportedValues()).isZero();
    }

    @Test
    void keepsIntegersExactAndEverythingElseDecimal() throws SourceException {
        Map<String, SampleValue> values = fieldValues("""
                {"histograms":{"h":{"count":9223372036854775807,"max":-3,"mean":1.0,"min":1e2,
                                    "p50":99999999999999999999}}}""");

        assertThat(values).containsExactlyInAnyOrderEntriesOf(Map.of(
                "count", SampleValue.of(Long.MAX_VALUE),
                "max", SampleValue.of(-3L),
                "mean", SampleValue.of(1.0),
                "min", SampleValue.of(100.0),
                "p50", SampleValue.of(1e20)));
    }

    @Test
    void skipsAndCountsNonFiniteValues() throws SourceException {
        Map<String, SampleValue> values = fieldValues("""
                {"timers":{"t":{"count":1,"mean":"NaN","max":"Infinity","min":"-Infinity","p50":1e400,
                                "p99":0.5}}}""");

        assertThat(values).containsOnlyKeys("count", "p99");
        assertThat(parser.nonFiniteValues()).isEqualTo(4);
    }

    @Test
    void readsGaugeValuesByTheirJsonType() throws SourceException {
        List<Sample> samples = parse("""
                {"gauges":{"int":{"value":7},"dec":{"value":0.5},"yes":{"value":true},"no":{"value":false},
                           "text":{"value":"UP"},"nan":{"value":"NaN"},"inf":{"value":"-Infinity"},
                           "nil":{"value":null},"list":{"value":["a","b"]},"map":{"value":{"a":1}},
                           "empty":{},"failed":{"error":"java.lang.IllegalStateException: boom"}}}""");

        assertThat(samples).extracting(Sample::name, Sample::field, Sample::value).containsExactly(
                tuple("int", null, SampleValue.of(7L)),
                tuple("dec", null, SampleValue.of(0.5)),
                tuple("yes", null, SampleValue.of(1L)),
                tuple("no", null, SampleValue.of(0L)),
                tuple("text", null, SampleValue.of("UP")));
        assertThat(parser.nonFiniteValues()).isEqualTo(2);
        assertThat(parser.unsupportedValues()).as("null, list, map, a gauge with neither value nor error")
                .isEqualTo(4);
        assertThat(parser.gaugeErrors()).isEqualTo(1);
    }

    @Test
    void countsGaugeErrorsOnEveryScrape() throws SourceException {
        String document = "{\"gauges\":{\"failed\":{\"error\":\"java.lang.IllegalStateException: boom\"}}}";

        parse(document);
        parse(document);

        assertThat(parser.gaugeErrors()).isEqualTo(2);
    }

    @Test
    void ignoresUnknownSectionsFieldsAndSampleArrays() throws SourceException {
        List<Sample> samples = parse("""
                {"version":"4.0.0","summaries":{"s":{"count":1}},"extra":[1,{"a":[]}],
                 "counters":{"c":{"count":1,"values":[1,2,3],"note":{"deep":[{}]},"since":"yesterday"}},
                 "histograms":{"h":{"count":2,"values":[5,6]}}}""");

        assertThat(samples).extracting(Sample::name, Sample::field, Sample::value).containsExactly(
                tuple("c", "count", SampleValue.of(1L)),
                tuple("h", "count", SampleValue.of(2L)));
        assertThat(parser.unsupportedValues()).isZero();
    }

    @Test
    void skipsAndCountsFieldsOfTheWrongJsonType() throws SourceException {
        Map<String, SampleValue> values = fieldValues("""
                {"meters":{"m":{"count":"many","m1_rate":null,"m5_rate":[1],"units":7,"mean_rate":2.5}}}""");

        assertThat(values).containsOnlyKeys("mean_rate");
        assertThat(parser.unsupportedValues()).isEqualTo(4);
    }

    @Test
    void readsAnEmptyDocumentAsNoSamples() throws SourceException {
        DropwizardDocument document = parser.parse(bytes(
                "{\"version\":\"4.0.0\",\"gauges\":{},\"counters\":{},\"histograms\":{},\"meters\":{},\"timers\":{}}"),
                "empty", AT);

        assertThat(document.samples()).isEmpty();
        assertThat(document.names().isEmpty()).isTrue();
    }

    @Test
    void reportsLineAndColumnOfATruncatedDocument() {
        String truncated = "{\"version\":\"4.0.0\",\n \"counters\":{\"a\":{\"count\":1}},\n \"timers\":{\"t\":{\"count\":";

        assertThatThrownBy(() -> parser.parse(bytes(truncated), "http://127.0.0.1:8081/metrics", AT))
                .isInstanceOf(SourceException.class)
                .hasMessage("http://127.0.0.1:8081/metrics: malformed Dropwizard JSON at line 3, column 25: "
                        + "unexpected end of input (truncated document?)");
    }

    @Test
    void reportsWhereADocumentStopsBeingJson() {
        assertThatThrownBy(() -> parse("{\"counters\":\n  {\"a\": {\"count\": 1,,}}}"))
                .isInstanceOf(SourceException.class)
                .hasMessageStartingWith("doc: malformed Dropwizard JSON at line 2, column 21: Unexpected character (','");
        assertThatThrownBy(() -> parse("<html>Service Unavailable</html>"))
                .isInstanceOf(SourceException.class)
                .hasMessageStartingWith("doc: malformed Dropwizard JSON at line 1, column 1: Unexpected character ('<'");
    }

    @Test
    void reportsDocumentsOfTheWrongShape() {
        assertThatThrownBy(() -> parse("[1,2]"))
                .hasMessage("doc: malformed Dropwizard JSON at line 1, column 1: an array (expected: a JSON object)");
        assertThatThrownBy(() -> parse("{\"timers\": []}"))
                .hasMessage("doc: malformed Dropwizard JSON at line 1, column 12: "
                        + "\"timers\" is an array (expected: an object of metrics)");
        assertThatThrownBy(() -> parse("{\"counters\":{\n\"a\": 5}}"))
                .hasMessage("doc: malformed Dropwizard JSON at line 2, column 6: "
                        + "counter \"a\" is a number (expected: an object)");
        assertThatThrownBy(() -> parse("{} {}"))
                .hasMessage("doc: malformed Dropwizard JSON at line 1, column 4: "
                        + "an object after the end of the document (expected: nothing)");
        assertThatThrownBy(() -> parse(""))
                .hasMessage("doc: malformed Dropwizard JSON at line 1, column 1: empty document (expected: a JSON object)");
    }

    @Test
    void parsesTheNextDocumentAfterAMalformedOne() throws SourceException {
        assertThatThrownBy(() -> parse("{\"counters\":{\"a\":{\"count\":")).isInstanceOf(SourceException.class);

        assertThat(parse("{\"counters\":{\"a\":{\"count\":5}}}"))
                .containsExactly(sample("a", MetricType.COUNTER, "count", SampleValue.of(5L)));
    }

    @Test
    void collectsEveryMetricNameEvenWithoutUsableValues() throws SourceException {
        DropwizardDocument document = parser.parse(resource("protocols-example.json"), "example", AT);

        assertThat(document.names().of(DropwizardKind.GAUGES))
                .containsExactly("broken.gauge", "jvm.memory.heap.used", "pool.ratio");
        assertThat(document.names().of(DropwizardKind.TIMERS)).containsExactly("db.query");
    }

    private List<Sample> parse(String json) throws SourceException {
        return parser.parse(bytes(json), "doc", AT).samples();
    }

    private Map<String, SampleValue> fieldValues(String json) throws SourceException {
        return parse(json).stream().collect(Collectors.toMap(Sample::field, Function.identity()))
                .entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().value()));
    }

    private static Sample sample(String name, MetricType type, String field, SampleValue value) {
        return Sample.of(name, type, field, value, AT, HOST, SOURCE);
    }

    private static byte[] bytes(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] resource(String name) {
        try (InputStream in = DropwizardJsonParserTest.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void readsDropwizard5TaggedKeysAsANameAndLabelsAndKeepsMalformedOnesWhole() throws SourceException {
        byte[] document = """
                {"version":"5.0.0",
                 "gauges":{"pool.size{pool=main}":{"value":12}},
                 "counters":{"jobs{queue=io, shard=1}":{"count":3},"GET /users/{id}":{"count":4},"x{a=1}":{"count":5}},
                 "timers":{}}
                """.getBytes(StandardCharsets.UTF_8);

        DropwizardDocument parsed = parser.parse(document, "doc", AT);

        assertThat(parsed.samples()).extracting(Sample::name, Sample::labels, Sample::value).containsExactly(
                tuple("pool.size", Labels.of("pool", "main"), SampleValue.of(12L)),
                tuple("jobs", Labels.of("queue", "io", "shard", "1"), SampleValue.of(3L)),
                tuple("GET /users/{id}", Labels.empty(), SampleValue.of(4L)),
                tuple("x", Labels.of("a", "1"), SampleValue.of(5L)));
        assertThat(parsed.samples()).allSatisfy(sample ->
                assertThat(sample.nameSyntax()).isEqualTo(NameSyntax.VERBATIM));
        assertThat(parser.malformedTags()).isEqualTo(1);

        parser.parse(document, "doc", AT);

        assertThat(parser.malformedTags()).as("counted at every collect").isEqualTo(2);
    }
}
