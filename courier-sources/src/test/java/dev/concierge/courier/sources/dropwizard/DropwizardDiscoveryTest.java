package dev.concierge.courier.sources.dropwizard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.concierge.courier.core.model.MetricType;
import dev.concierge.courier.core.process.FieldSelection;
import dev.concierge.courier.core.process.LabelRewrite;
import dev.concierge.courier.core.process.NameRewrite;
import dev.concierge.courier.core.process.SampleProcessor;
import dev.concierge.courier.core.process.SampleSelector;
import dev.concierge.courier.core.spi.LldJson;
import dev.concierge.courier.core.spi.LldJson.Format;
import dev.concierge.courier.core.spi.LldRow;
import dev.concierge.courier.core.spi.LldRows;
import dev.concierge.courier.core.spi.SourceException;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DropwizardDiscoveryTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            counters   | [{"{#COUNTER}":"jobs.active"}]
            gauges     | [{"{#GAUGE}":"broken.gauge"},{"{#GAUGE}":"jvm.memory.heap.used"},{"{#GAUGE}":"pool.ratio"}]
            histograms | [{"{#HISTOGRAM}":"payload.size"}]
            meters     | [{"{#METER}":"requests"}]
            timers     | [{"{#TIMER}":"db.query"}]
            """)
    void listsOneKindWithItsOwnMacro(String section, String expected) throws SourceException {
        DropwizardMetricNames names = read(DropwizardJsonParserTest.resource("protocols-example.json"));

        assertThat(toJson(names, DropwizardKind.ofSection(section), Format.ARRAY))
                .isEqualTo(expected);
    }

    @Test
    void listsEveryKindWithTypeAndNameMacros() throws SourceException {
        DropwizardMetricNames names = read(DropwizardJsonParserTest.resource("protocols-example.json"));

        assertThat(toJson(names, null, Format.ARRAY)).isEqualTo("["
                + "{\"{#TYPE}\":\"counter\",\"{#NAME}\":\"jobs.active\"},"
                + "{\"{#TYPE}\":\"gauge\",\"{#NAME}\":\"broken.gauge\"},"
                + "{\"{#TYPE}\":\"gauge\",\"{#NAME}\":\"jvm.memory.heap.used\"},"
                + "{\"{#TYPE}\":\"gauge\",\"{#NAME}\":\"pool.ratio\"},"
                + "{\"{#TYPE}\":\"histogram\",\"{#NAME}\":\"payload.size\"},"
                + "{\"{#TYPE}\":\"meter\",\"{#NAME}\":\"requests\"},"
                + "{\"{#TYPE}\":\"timer\",\"{#NAME}\":\"db.query\"}]");
    }

    @Test
    void listsTheMetricsAsTheRulesLeaveTheirSamples() throws SourceException {
        DropwizardDocument document = new DropwizardJsonParser("app", "web-1")
                .parse(DropwizardJsonParserTest.resource("protocols-example.json"), "example", Instant.EPOCH);
        SampleProcessor rules = SampleProcessor.of(
                List.of(SampleSelector.parse("db.*"), SampleSelector.parse("jobs.*"), SampleSelector.parse("broken.*"),
                        SampleSelector.parse("pool.*"), SampleSelector.parse("requests")),
                List.of(SampleSelector.parse("pool.*")),
                FieldSelection.of(Map.of(MetricType.TIMER, List.of("p99"), MetricType.METER, List.of("p99"))),
                List.of(), null, List.of(NameRewrite.of("db\\.(.*)", "database.$1")), LabelRewrite.none());

        LldRows rows = DropwizardDiscovery.rows(document, "web-1", "app", rules.fresh()::apply);

        // broken.gauge has no sample (its value failed) and is still listed; pool.ratio (NaN) is excluded;
        // requests is a meter, whose fields the rules all drop; db.query keeps its p99, renamed.
        assertThat(LldJson.toJson(rows.rows().stream().map(LldRow::macros).toList(), Format.ARRAY)).isEqualTo("["
                + "{\"{#TYPE}\":\"counter\",\"{#NAME}\":\"jobs.active\"},"
                + "{\"{#TYPE}\":\"gauge\",\"{#NAME}\":\"broken.gauge\"},"
                + "{\"{#TYPE}\":\"timer\",\"{#NAME}\":\"database.query\"}]");
    }

    @Test
    void listsTheSameRowsThroughNoProcessingAsFromTheNames() throws SourceException {
        DropwizardDocument document = new DropwizardJsonParser("app", "web-1")
                .parse(DropwizardJsonParserTest.resource("protocols-example.json"), "example", Instant.EPOCH);

        assertThat(DropwizardDiscovery.rows(document, "web-1", "app", UnaryOperator.identity()).rows())
                .isEqualTo(DropwizardDiscovery.rows(document.names()).rows());
    }

    @Test
    void wrapsTheArrayInDataForOldServers() throws SourceException {
        DropwizardMetricNames names = read(DropwizardJsonParserTest.resource("protocols-example.json"));

        assertThat(toJson(names, DropwizardKind.TIMERS, Format.DATA_OBJECT))
                .isEqualTo("{\"data\":[{\"{#TIMER}\":\"db.query\"}]}");
        assertThat(toJson(names, null, Format.DATA_OBJECT))
                .startsWith("{\"data\":[{\"{#TYPE}\":\"counter\",\"{#NAME}\":\"jobs.active\"},").endsWith("]}");
    }

    @Test
    void sortsNamesAndDropsDuplicates() throws SourceException {
        DropwizardMetricNames names = read(bytes(
                "{\"timers\":{\"b.requests\":{},\"a.requests\":{\"count\":1},\"b.requests\":{}},\"meters\":{\"b.requests\":{}}}"));

        assertThat(toJson(names, DropwizardKind.TIMERS, Format.ARRAY))
                .isEqualTo("[{\"{#TIMER}\":\"a.requests\"},{\"{#TIMER}\":\"b.requests\"}]");
        assertThat(toJson(names, null, Format.ARRAY)).isEqualTo("["
                + "{\"{#TYPE}\":\"meter\",\"{#NAME}\":\"b.requests\"},"
                + "{\"{#TYPE}\":\"timer\",\"{#NAME}\":\"a.requests\"},"
                + "{\"{#TYPE}\":\"timer\",\"{#NAME}\":\"b.requests\"}]");
    }

    @Test
    void givesAnEmptyListForEmptySections() throws SourceException {
        DropwizardMetricNames names = read(bytes(
                "{\"version\":\"4.0.0\",\"gauges\":{},\"counters\":{},\"histograms\":{},\"meters\":{},\"timers\":{}}"));

        assertThat(toJson(names, DropwizardKind.TIMERS, Format.ARRAY)).isEqualTo("[]");
        assertThat(toJson(names, null, Format.ARRAY)).isEqualTo("[]");
        assertThat(toJson(names, DropwizardKind.GAUGES, Format.DATA_OBJECT)).isEqualTo("{\"data\":[]}");
    }

    @Test
    void escapesNamesAsJsonStrings() throws SourceException {
        DropwizardMetricNames names = read("{\"counters\":{\"say \\\"hi\\\"\\\\größe\":{\"count\":1}}}"
                .getBytes(StandardCharsets.UTF_8));

        assertThat(toJson(names, DropwizardKind.COUNTERS, Format.ARRAY))
                .isEqualTo("[{\"{#COUNTER}\":\"say \\\"hi\\\"\\\\größe\"}]");
    }

    @Test
    void readsTheSameNamesAsTheFullParse() throws SourceException {
        byte[] document = RegistryDocuments.write(RegistryDocuments.everyType());

        DropwizardMetricNames cheap = DropwizardMetricNames.read(new ByteArrayInputStream(document), "registry");
        DropwizardMetricNames full = new DropwizardJsonParser("s", "h").parse(document, "registry", Instant.EPOCH).names();

        assertThat(cheap).isEqualTo(full);
        assertThat(cheap.of(DropwizardKind.GAUGES)).containsExactly("app.deadlocks", "app.ready", "app.status",
                "broken.gauge", "cache.hit.ratio", "jvm.memory.heap.used", "pool.fill");
    }

    @Test
    void refusesATruncatedDocumentRatherThanListingPartOfIt() {
        assertThatThrownBy(() -> read(bytes("{\"timers\":{\"a\":{},\"b\":{\"count\":")))
                .isInstanceOf(SourceException.class)
                .hasMessage("doc: malformed Dropwizard JSON at line 1, column 32: unexpected end of input (truncated document?)");
    }

    @Test
    void theSourceListsTheRowsOfTheLastDocumentItParsedAndNoneBeforeTheFirst(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("metrics.json"),
                "{\"gauges\":{\"pool.broken\":{\"value\":null}},\"timers\":{\"db.query\":{\"count\":1}}}");
        try (DropwizardJsonSource source = DropwizardJsonSource.create(new DropwizardConfig("orders", null, file,
                Duration.ofSeconds(10), Duration.ofSeconds(1), 1 << 20, "app-01"), Clock.systemUTC())) {
            assertThat(source.lldRows()).isEmpty();

            source.collect(sample -> true);
            Files.writeString(file, "{\"timers\":{\"db.query\":");
            assertThatThrownBy(() -> source.collect(sample -> true)).isInstanceOf(SourceException.class);

            LldRows rows = source.lldRows().orElseThrow();
            assertThat(rows.incomplete()).isNull();
            assertThat(rows.rows()).containsExactly(
                    new LldRow("gauges", Map.of("{#TYPE}", "gauge", "{#NAME}", "pool.broken")),
                    new LldRow("timers", Map.of("{#TYPE}", "timer", "{#NAME}", "db.query")));
        }
    }

    /** The JSON {@code courier discover} prints for {@code names}: one kind, or every kind when null. */
    @Test
    void listsATaggedMetricUnderItsNameWithAMacroPerTag() throws SourceException {
        DropwizardMetricNames names = read(bytes("""
                {"timers":{"app.requests{status=200, method=GET}":{},"app.requests{method=POST, status=500}":{},
                           "db.query":{},"GET /users/{id}":{}}}
                """));

        assertThat(toJson(names, null, Format.ARRAY)).isEqualTo("["
                + "{\"{#TYPE}\":\"timer\",\"{#NAME}\":\"GET /users/{id}\"},"
                + "{\"{#TYPE}\":\"timer\",\"{#NAME}\":\"app.requests\",\"{#METHOD}\":\"GET\",\"{#STATUS}\":\"200\"},"
                + "{\"{#TYPE}\":\"timer\",\"{#NAME}\":\"app.requests\",\"{#METHOD}\":\"POST\",\"{#STATUS}\":\"500\"},"
                + "{\"{#TYPE}\":\"timer\",\"{#NAME}\":\"db.query\"}]");
        assertThat(toJson(names, DropwizardKind.TIMERS, Format.ARRAY)).isEqualTo("["
                + "{\"{#TIMER}\":\"GET /users/{id}\"},"
                + "{\"{#TIMER}\":\"app.requests\",\"{#METHOD}\":\"GET\",\"{#STATUS}\":\"200\"},"
                + "{\"{#TIMER}\":\"app.requests\",\"{#METHOD}\":\"POST\",\"{#STATUS}\":\"500\"},"
                + "{\"{#TIMER}\":\"db.query\"}]");
    }

    private static String toJson(DropwizardMetricNames names, DropwizardKind kind, Format format) {
        List<Map<String, String>> macros = new ArrayList<>();
        for (LldRow row : DropwizardDiscovery.rows(names).rows()) {
            if (kind == null) {
                macros.add(row.macros());
            } else if (DropwizardDiscovery.ofKind(kind).test(row)) {
                macros.add(DropwizardDiscovery.kindMacros(kind, row));
            }
        }
        return LldJson.toJson(macros, format);
    }

    private static DropwizardMetricNames read(byte[] document) throws SourceException {
        return DropwizardMetricNames.read(document, "doc");
    }

    private static byte[] bytes(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }
}
