package dev.concierge.courier.app.send;

import static org.assertj.core.api.Assertions.assertThat;

import dev.concierge.courier.sinks.zabbix.ZabbixSenderRequest;
import dev.concierge.courier.sinks.zabbix.ZabbixSenderRequest.Row;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The writer against the sink's Jackson-based {@link ZabbixSenderRequest#toJson()}: the same bytes. */
class SenderDataWriterTest {
    private static final Instant NOW = Instant.ofEpochSecond(1_700_000_123L, 987_654_321);

    @Test
    void writesTheSameBytesAsTheSinksRequest() {
        // Ordered by time, as the caller hands them over (the sink's request sorts them itself).
        List<Row> rows = List.of(
                new Row("h 2", "k", "", 0, 1),
                new Row("h1", "k1", "v1", 1_700_000_000L, 0),
                new Row("h1", "net.if.in[eth0,bytes]", "12.5", 1_700_000_000L, 999_999_999),
                new Row("host-3", "key", "rest of line  ", 2_147_483_647L, 10));
        assertSame(rows);
    }

    @Test
    void escapesEveryCharacterAsJacksonDoes() {
        StringBuilder all = new StringBuilder();
        for (char ch = 0; ch < 0x100; ch++) {
            all.append(ch);
        }
        all.append("/€ \u07ff\u0800\uffff");
        String[] texts = {
            all.toString(),
            "quoted \"x\" \\ \n end\r\t\b\f",
            "\uD83D\uDE00 paired, \uD83D lone high, \uDE00 lone low",
            "日本語のキー[\"a b\"]",
        };
        List<Row> rows = new ArrayList<>();
        for (String text : texts) {
            rows.add(new Row(text, text, text, 1, 2));
        }
        assertSame(rows);
    }

    @Test
    void writesRepeatedHostsAndKeysTheSameFromItsCache() {
        String host = "h\u00e9";
        String aa = "k\"Aa";
        String bb = "k\"BB"; // the same String hash as aa: both compete for one slot
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            rows.add(new Row(host, i % 2 == 0 ? aa : bb, "v" + i, 10, 2 * i));
            rows.add(new Row(new String(host), new String(aa), "w" + i, 10, 2 * i + 1));
        }
        SenderDataWriter writer = new SenderDataWriter();
        for (int round = 0; round < 2; round++) {
            assertThat(writer.write(rows, true, 7, 8))
                    .isEqualTo(ZabbixSenderRequest.of(rows, Instant.ofEpochSecond(7, 8)).toJson());
        }
    }

    @Test
    void growsItsBufferForLargeRequestsAndStartsAfreshForEach() {
        SenderDataWriter writer = new SenderDataWriter();
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            rows.add(new Row("host-" + (i % 7), "item[" + i + "]", "x".repeat(i % 50), 1_700_000_000L + i, i));
        }
        byte[] large = writer.write(rows, true, NOW.getEpochSecond(), NOW.getNano());
        assertThat(large).isEqualTo(ZabbixSenderRequest.of(rows, NOW).toJson());
        byte[] small = writer.write(rows.subList(0, 1), false, 0, 0);
        assertThat(new String(small, StandardCharsets.UTF_8)).isEqualTo("{\"request\":\"sender data\","
                + "\"data\":[{\"host\":\"host-0\",\"key\":\"item[0]\",\"value\":\"\"}]}");
        assertThat(writer.write(List.of(), true, 5, 6))
                .isEqualTo(ZabbixSenderRequest.of(List.of(), Instant.ofEpochSecond(5, 6)).toJson());
    }

    private static void assertSame(List<Row> rows) {
        SenderDataWriter writer = new SenderDataWriter();
        assertThat(new String(writer.write(rows, true, NOW.getEpochSecond(), NOW.getNano()), StandardCharsets.UTF_8))
                .isEqualTo(new String(ZabbixSenderRequest.of(rows, NOW).toJson(), StandardCharsets.UTF_8));
        assertThat(writer.write(rows, true, NOW.getEpochSecond(), NOW.getNano()))
                .isEqualTo(ZabbixSenderRequest.of(rows, NOW).toJson());
        assertThat(writer.write(rows, false, 0, 0)).isEqualTo(ZabbixSenderRequest.untimed(rows).toJson());
    }
}
