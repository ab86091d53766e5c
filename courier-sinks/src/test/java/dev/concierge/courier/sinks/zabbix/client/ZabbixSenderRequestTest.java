package dev.concierge.courier.sinks.zabbix.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.concierge.courier.core.model.Labels;
import dev.concierge.courier.core.model.MetricType;
import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.model.SampleValue;
import dev.concierge.courier.sinks.zabbix.client.ZabbixSenderRequest.Row;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ZabbixSenderRequestTest {

    private static final Instant SENT_AT = Instant.ofEpochSecond(1_717_171_720L, 5_000);

    @Test
    void writesTheSenderDataJsonWithStringValuesAndNsOnEveryRow() {
        ZabbixSenderRequest request = ZabbixSenderRequest.of(List.of(
                new Row("web-01", "app.requests", "1234", 1_717_171_717L, 120_000_000),
                new Row("web-01", "app.errors", "0", 1_717_171_717L, 120_000_000)), SENT_AT);

        assertThat(new String(request.toJson(), StandardCharsets.UTF_8)).isEqualTo(ZabbixFrameCodecTest.PAYLOAD);
    }

    @Test
    void writesNoClockAtAllForAnUntimedRequestAndKeepsTheRowOrder() {
        ZabbixSenderRequest request = ZabbixSenderRequest.untimed(List.of(
                new Row("web-01", "b", "2", 20, 0), new Row("web-01", "a", "1", 10, 0)));

        assertThat(new String(request.toJson(), StandardCharsets.UTF_8)).isEqualTo("{\"request\":\"sender data\","
                + "\"data\":[{\"host\":\"web-01\",\"key\":\"b\",\"value\":\"2\"},"
                + "{\"host\":\"web-01\",\"key\":\"a\",\"value\":\"1\"}]}");
        assertThat(request.timed()).isFalse();
    }

    @Test
    void ordersRowsByTimeKeepingTheOrderOfEqualTimestamps() {
        Row late = new Row("h", "late", "3", 20, 0);
        Row earlyB = new Row("h", "early.b", "2", 10, 5);
        Row earlyA = new Row("h", "early.a", "1", 10, 5);
        Row earliest = new Row("h", "earliest", "0", 10, 4);

        ZabbixSenderRequest request = ZabbixSenderRequest.of(List.of(late, earlyB, earlyA, earliest), SENT_AT);

        assertThat(request.rows()).containsExactly(earliest, earlyB, earlyA, late);
    }

    @Test
    void escapesTextAndKeepsUnicodeAsUtf8() {
        ZabbixSenderRequest request = ZabbixSenderRequest.of(List.of(
                new Row("h\u00f6st", "k[\"a,b\"]", "line1\nline2 \\ \"q\"", 1, 0)), SENT_AT);

        byte[] json = request.toJson();
        assertThat(new String(json, StandardCharsets.UTF_8)).isEqualTo("{\"request\":\"sender data\",\"data\":["
                + "{\"host\":\"h\u00f6st\",\"key\":\"k[\\\"a,b\\\"]\",\"value\":\"line1\\nline2 \\\\ \\\"q\\\"\","
                + "\"clock\":1,\"ns\":0}],\"clock\":1717171720,\"ns\":5000}");
        assertThat(ZabbixSenderRequest.parse(json, SENT_AT).rows()).isEqualTo(request.rows());
    }

    @Test
    void buildsARowFromASampleWithItsZabbixKey() {
        Sample sample = new Sample("app.requests", Labels.empty(), MetricType.TIMER, "p99", SampleValue.of(0.25),
                1_717_171_717L, 120_000_000, "web-01", "app");

        assertThat(Row.of(sample, null)).isEqualTo(
                new Row("web-01", "timer[app.requests.p99]", "0.25", 1_717_171_717L, 120_000_000));
        assertThat(Row.of(sample, "override").host()).isEqualTo("override");
    }

    @Test
    void aRowOfASampleEqualsTheRowOfItsTextAndHashesAlike() {
        Sample sample = new Sample("http", Labels.of("path", "/a,b"), MetricType.COUNTER, null, SampleValue.of(0.5),
                1_717_171_717L, 7, "web-01", "app");
        Sample same = new Sample("http", Labels.of("path", "/a,b"), MetricType.COUNTER, null, SampleValue.of(0.5),
                1_717_171_717L, 7, "web-01", "app");
        Row text = new Row("web-01", "counter[http,\"path=/a,b\"]", "0.5", 1_717_171_717L, 7);

        Row row = Row.of(sample, null);

        assertThat(row).isEqualTo(text).hasSameHashCodeAs(text).isEqualTo(Row.of(same, null))
                .isEqualTo(Row.of(sample, null)).hasToString(text.toString());
        assertThat(text).isEqualTo(row);
        assertThat(row.key()).isSameAs(row.key()); // rendered once
        assertThat(row.keyLength()).isEqualTo(text.key().length());
        assertThat(row).isNotEqualTo(Row.of(sample, "other")).isNotEqualTo(
                new Row("web-01", "counter[http,\"path=/a,b\"]", "0.25", 1_717_171_717L, 7));
    }

    @Test
    void takesRowsInTimeOrderAsTheyAre() {
        List<Row> rows = List.of(new Row("h", "a", "1", 10, 5), new Row("h", "b", "2", 10, 5),
                new Row("h", "c", "3", 11, 0));

        assertThat(ZabbixSenderRequest.of(rows, SENT_AT).rows()).isSameAs(rows);
        assertThat(ZabbixSenderRequest.inTimeOrder(rows)).isTrue();
        assertThat(ZabbixSenderRequest.inTimeOrder(List.of(rows.get(2), rows.get(0)))).isFalse();
        assertThat(ZabbixSenderRequest.inTimeOrder(List.of(new Row("h", "a", "1", 10, 5), new Row("h", "a", "1", 10, 4))))
                .isFalse();
    }

    @Test
    void parsesWhatZabbixSenderWritesSkippingUnknownFields() {
        String json = "{\"request\":\"sender data\",\"session\":\"x\",\"data\":["
                + "{\"host\":\"a\",\"key\":\"k\",\"value\":\"1\",\"clock\":1717171717,\"ns\":7,\"extra\":{\"n\":[1]}},"
                + "{\"host\":\"a\",\"key\":\"k2\",\"value\":\"2\",\"clock\":\"1717171718\"}],"
                + "\"clock\":1717171720,\"ns\":5000}";

        ZabbixSenderRequest request = ZabbixSenderRequest.parse(json.getBytes(StandardCharsets.UTF_8), SENT_AT);

        assertThat(request.rows()).containsExactly(new Row("a", "k", "1", 1_717_171_717L, 7),
                new Row("a", "k2", "2", 1_717_171_718L, 0));
        assertThat(request.clock()).isEqualTo(1_717_171_720L);
        assertThat(request.ns()).isEqualTo(5000);
    }

    @Test
    void refusesSomethingThatIsNotSenderData() {
        assertThatThrownBy(() -> ZabbixSenderRequest.parse("{\"request\":\"proxy data\",\"data\":[]}"
                .getBytes(StandardCharsets.UTF_8), SENT_AT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("request: proxy data (expected: sender data)");
        assertThatThrownBy(() -> ZabbixSenderRequest.parse("{\"request\":\"sender data\",\"data\":[{\"host\":\"a\"}]}"
                .getBytes(StandardCharsets.UTF_8), SENT_AT))
                .hasMessageStartingWith("data[0]: host a, key null");
        assertThatThrownBy(() -> ZabbixSenderRequest.parse("not json".getBytes(StandardCharsets.UTF_8), SENT_AT))
                .hasMessageStartingWith("request: not JSON");
    }
}
