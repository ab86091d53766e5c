package dev.concierge.courier.sources.dropwizard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.concierge.courier.core.spi.SourceException;
import dev.concierge.courier.sources.dropwizard.DropwizardDiscovery.Format;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

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

        assertThat(DropwizardDiscovery.toJson(names, DropwizardKind.ofSection(section), Format.ARRAY))
                .isEqualTo(expected);
    }

    @Test
    void listsEveryKindWithTypeAndNameMacros() throws SourceException {
        DropwizardMetricNames names = read(DropwizardJsonParserTest.resource("protocols-example.json"));

        assertThat(DropwizardDiscovery.toJson(names, null, Format.ARRAY)).isEqualTo("["
                + "{\"{#TYPE}\":\"counter\",\"{#NAME}\":\"jobs.active\"},"
                + "{\"{#TYPE}\":\"gauge\",\"{#NAME}\":\"broken.gauge\"},"
                + "{\"{#TYPE}\":\"gauge\",\"{#NAME}\":\"jvm.memory.heap.used\"},"
                + "{\"{#TYPE}\":\"gauge\",\"{#NAME}\":\"pool.ratio\"},"
                + "{\"{#TYPE}\":\"histogram\",\"{#NAME}\":\"payload.size\"},"
                + "{\"{#TYPE}\":\"meter\",\"{#NAME}\":\"requests\"},"
                + "{\"{#TYPE}\":\"timer\",\"{#NAME}\":\"db.query\"}]");
    }

    @Test
    void wrapsTheArrayInDataForOldServers() throws SourceException {
        DropwizardMetricNames names = read(DropwizardJsonParserTest.resource("protocols-example.json"));

        assertThat(DropwizardDiscovery.toJson(names, DropwizardKind.TIMERS, Format.DATA_OBJECT))
                .isEqualTo("{\"data\":[{\"{#TIMER}\":\"db.query\"}]}");
        assertThat(DropwizardDiscovery.toJson(names, null, Format.DATA_OBJECT))
                .startsWith("{\"data\":[{\"{#TYPE}\":\"counter\",\"{#NAME}\":\"jobs.active\"},").endsWith("]}");
    }

    @Test
    void sortsNamesAndDropsDuplicates() throws SourceException {
        DropwizardMetricNames names = read(bytes(
                "{\"timers\":{\"b.requests\":{},\"a.requests\":{\"count\":1},\"b.requests\":{}},\"meters\":{\"b.requests\":{}}}"));

        assertThat(DropwizardDiscovery.toJson(names, DropwizardKind.TIMERS, Format.ARRAY))
                .isEqualTo("[{\"{#TIMER}\":\"a.requests\"},{\"{#TIMER}\":\"b.requests\"}]");
        assertThat(DropwizardDiscovery.toJson(names, null, Format.ARRAY)).isEqualTo("["
                + "{\"{#TYPE}\":\"meter\",\"{#NAME}\":\"b.requests\"},"
                + "{\"{#TYPE}\":\"timer\",\"{#NAME}\":\"a.requests\"},"
                + "{\"{#TYPE}\":\"timer\",\"{#NAME}\":\"b.requests\"}]");
    }

    @Test
    void givesAnEmptyListForEmptySections() throws SourceException {
        DropwizardMetricNames names = read(bytes(
                "{\"version\":\"4.0.0\",\"gauges\":{},\"counters\":{},\"histograms\":{},\"meters\":{},\"timers\":{}}"));

        assertThat(DropwizardDiscovery.toJson(names, DropwizardKind.TIMERS, Format.ARRAY)).isEqualTo("[]");
        assertThat(DropwizardDiscovery.toJson(names, null, Format.ARRAY)).isEqualTo("[]");
        assertThat(DropwizardDiscovery.toJson(names, DropwizardKind.GAUGES, Format.DATA_OBJECT)).isEqualTo("{\"data\":[]}");
    }

    @Test
    void escapesNamesAsJsonStrings() throws SourceException {
        DropwizardMetricNames names = read("{\"counters\":{\"say \\\"hi\\\"\\\\größe\":{\"count\":1}}}"
                .getBytes(StandardCharsets.UTF_8));

        assertThat(DropwizardDiscovery.toJson(names, DropwizardKind.COUNTERS, Format.ARRAY))
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

    private static DropwizardMetricNames read(byte[] document) throws SourceException {
        return DropwizardMetricNames.read(document, "doc");
    }

    private static byte[] bytes(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }
}
