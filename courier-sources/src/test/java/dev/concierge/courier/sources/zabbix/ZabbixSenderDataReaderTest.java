package dev.concierge.courier.sources.zabbix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.concierge.courier.core.model.MetricType;
import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.model.SampleValue;
import dev.concierge.courier.sources.zabbix.ZabbixSenderDataReader.NotSenderData;
import dev.concierge.courier.sources.zabbix.ZabbixSenderDataReader.SenderData;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Rows read as the trapper's by-keys path reads them. */
class ZabbixSenderDataReaderTest {
    private static final Instant RECEIVED = Instant.ofEpochSecond(1_717_171_720L, 999_999_999L);

    private static SenderData read(String json) throws NotSenderData {
        return ZabbixSenderDataReader.read(json.getBytes(StandardCharsets.UTF_8), RECEIVED, "scripts");
    }

    @Test
    void keepsHostKeyAndValueVerbatimAsItemSamples() throws Exception {
        SenderData data = read("{\"request\":\"sender data\",\"data\":[{\"host\":\"Linux DB3\",\"key\":"
                + "\"app.status[main,\\\"a b\\\"]\",\"value\":\"0042.50\",\"clock\":1717171717,\"ns\":120000000}]}");

        assertThat(data.failed()).isZero();
        Sample sample = data.samples().get(0);
        assertThat(sample.type()).isEqualTo(MetricType.ITEM);
        assertThat(sample.host()).isEqualTo("Linux DB3");
        assertThat(sample.name()).isEqualTo("app.status[main,\"a b\"]");
        assertThat(sample.value()).isEqualTo(SampleValue.of("0042.50"));
        assertThat(sample.epochSecond()).isEqualTo(1_717_171_717L);
        assertThat(sample.nanos()).isEqualTo(120_000_000);
        assertThat(sample.source()).isEqualTo("scripts");
        assertThat(sample.labels().size()).isZero();
        assertThat(sample.field()).isNull();
    }

    @Test
    void passesAnLldDocumentOnUntouched() throws Exception {
        String lld = "{\\\"data\\\":[{\\\"{#FS}\\\":\\\"/\\\"}]}";
        SenderData data = read("{\"request\":\"sender data\",\"data\":[{\"host\":\"h\",\"key\":\"vfs.fs.discovery\","
                + "\"value\":\"" + lld + "\"}]}");

        assertThat(data.samples().get(0).value().render()).isEqualTo("{\"data\":[{\"{#FS}\":\"/\"}]}");
    }

    @Test
    void stampsRowsWithoutClockWithTheReceiveTimeAndDistinctNanoseconds() throws Exception {
        SenderData data = read("{\"request\":\"sender data\",\"data\":[{\"host\":\"h\",\"key\":\"a\",\"value\":\"1\"},"
                + "{\"host\":\"h\",\"key\":\"a\",\"value\":\"2\"}],\"clock\":1,\"ns\":2}");

        assertThat(data.samples()).extracting(Sample::timestamp)
                .containsExactly(RECEIVED, RECEIVED.plusNanos(1));
    }

    @Test
    void numbersRowsWithClockButNoNsByTheirPositionAsTheServerDoes() throws Exception {
        SenderData data = read("{\"request\":\"sender data\",\"data\":[{\"host\":\"h\",\"key\":\"a\",\"value\":\"1\","
                + "\"clock\":\"100\"},{\"host\":\"h\",\"key\":\"a\",\"value\":\"2\",\"clock\":100}]}");

        assertThat(data.samples()).extracting(Sample::nanos).containsExactly(0, 1);
    }

    @Test
    void countsAsFailedWhatTheServerCountsAsFailedBeforeItsConfiguration() throws Exception {
        String longHost = "h".repeat(129);
        SenderData data = read("{\"request\":\"sender data\",\"data\":["
                + "{\"key\":\"a\",\"value\":\"1\"},"
                + "{\"host\":\"h\",\"value\":\"1\"},"
                + "{\"host\":\"h\",\"key\":\"a\"},"
                + "{\"host\":\"h\",\"key\":\"a\",\"value\":\"1\",\"clock\":2147483648},"
                + "{\"host\":\"h\",\"key\":\"a\",\"value\":\"1\",\"clock\":1,\"ns\":1000000000},"
                + "{\"host\":\"" + longHost + "\",\"key\":\"a\",\"value\":\"1\"},"
                + "{\"host\":\"h\",\"key\":\"ok\",\"value\":\"1\"}]}");

        assertThat(data.failed()).isEqualTo(6);
        assertThat(data.total()).isEqualTo(7);
        assertThat(data.samples()).extracting(Sample::name).containsExactly("ok");
    }

    @Test
    void stopsAtAnElementThatIsNotAnObjectWithoutCountingTheRest() throws Exception {
        SenderData data = read("{\"request\":\"sender data\",\"data\":[{\"host\":\"h\",\"key\":\"a\",\"value\":\"1\"},"
                + "\"oops\",{\"host\":\"h\",\"key\":\"b\",\"value\":\"1\"}]}");

        assertThat(data.total()).isEqualTo(1);
    }

    @Test
    void refusesWhatIsNotASenderDataRequest() {
        assertThatThrownBy(() -> read("{\"request\":\"proxy data\",\"data\":[]}"))
                .isInstanceOf(NotSenderData.class).hasMessage("unsupported request \"proxy data\"");
        assertThatThrownBy(() -> read("{\"request\":\"sender data\"}"))
                .isInstanceOf(NotSenderData.class).hasMessage("cannot open \"data\" token");
        assertThatThrownBy(() -> read("{\"request\":"))
                .isInstanceOf(NotSenderData.class).hasMessageStartingWith("cannot parse request");
    }
}
