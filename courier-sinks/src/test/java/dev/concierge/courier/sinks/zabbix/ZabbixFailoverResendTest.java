package dev.concierge.courier.sinks.zabbix;

import static dev.concierge.courier.sinks.zabbix.ZabbixSinkTest.sample;
import static dev.concierge.courier.sinks.zabbix.ZabbixSinkTest.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.model.SampleValue;
import dev.concierge.courier.core.spi.DeliveryOutcome;
import dev.concierge.courier.core.testing.ManualClock;
import dev.concierge.courier.sinks.zabbix.client.ZabbixSenderRequest.Row;
import dev.concierge.courier.sinks.zabbix.client.ZabbixServerNodes;
import dev.concierge.courier.sinks.zabbix.trapper.ZabbixTrapperReceiver;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What a node acknowledged just before an outage is sent again when a node answers: a killed node may have
 * lost it from its history cache (seen with a real HA cluster in {@code ZabbixHaFailoverTest}).
 */
class ZabbixFailoverResendTest {
    private static final Instant T0 = Instant.ofEpochSecond(1_700_000_000L);

    private static List<Row> frame(String key) {
        return List.of(new Row("web-01", key, "1", T0.getEpochSecond(), 0));
    }

    @Test
    void afterAnOutageHandsBackTheFramesAcknowledgedWithinTheWindowBeforeIt() {
        ManualClock clock = new ManualClock(T0);
        ZabbixFailoverResend resend = new ZabbixFailoverResend(Duration.ofSeconds(5), 1000, clock);
        resend.acknowledged(frame("old"));
        clock.advance(Duration.ofSeconds(6));
        resend.acknowledged(frame("a"));
        clock.advance(Duration.ofSeconds(1));
        resend.acknowledged(frame("b"));

        assertThat(resend.reachable()).as("no outage, nothing to send again").isEmpty();
        resend.unreachable();
        clock.advance(Duration.ofSeconds(30)); // the failover takes its time; what was kept stays kept

        assertThat(resend.reachable()).containsExactly(frame("a"), frame("b"));
        assertThat(resend.rowsResent()).isEqualTo(2);
        assertThat(resend.reachable()).as("once").isEmpty();
    }

    @Test
    void aResendThatIsNotAnsweredIsOwedUntilANodeAnswers() {
        ZabbixFailoverResend resend = new ZabbixFailoverResend(Duration.ofSeconds(5), 1000, new ManualClock(T0));
        resend.acknowledged(frame("a"));
        resend.unreachable();
        List<List<Row>> due = resend.reachable();

        resend.notAnswered(due.get(0));

        assertThat(resend.rowsResent()).isZero();
        assertThat(resend.reachable()).containsExactly(frame("a"));
    }

    @Test
    void keepsAtMostTheRowsAllowedDroppingTheOldestFrames() {
        ZabbixFailoverResend resend = new ZabbixFailoverResend(Duration.ofSeconds(5), 2, new ManualClock(T0));
        resend.acknowledged(frame("a"));
        resend.acknowledged(frame("b"));
        resend.acknowledged(frame("c"));
        resend.unreachable();

        assertThat(resend.reachable()).containsExactly(frame("b"), frame("c"));
    }

    @Test
    void keepsAtMostTheBytesAllowedDroppingTheOldestFrames() {
        long oneFrame = frame("a").get(0).estimatedBytes();
        ZabbixFailoverResend resend = new ZabbixFailoverResend(Duration.ofSeconds(5), 1000, 2 * oneFrame,
                new ManualClock(T0));
        resend.acknowledged(frame("a"));
        resend.acknowledged(frame("b"));
        resend.acknowledged(frame("c"));
        resend.unreachable();

        assertThat(resend.reachable()).containsExactly(frame("b"), frame("c"));
    }

    @Test
    void aRowOfASampleIsEstimatedAsItsSampleAndTheRowItself() {
        Sample sample = sample("web-01", "cpu.load", SampleValue.of(0.5), 1, 0);

        assertThat(Row.of(sample, null).estimatedBytes()).isEqualTo(48 + sample.estimatedBytes());
    }

    @Test
    void theSinkSendsAgainWhatTheDeadNodeAcknowledgedToTheNodeThatTookOver() throws Exception {
        int secondPort = freePort();
        ZabbixTrapperReceiver first = ZabbixTrapperReceiver.create();
        try (ZabbixSink sink = ZabbixSink.create(ZabbixSinkConfig.of("ha", ZabbixServerNodes.parse(
                "127.0.0.1:" + first.port() + ";127.0.0.1:" + secondPort, 10051))
                .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(5)))) {
            assertThat(send(sink, List.of(sample("web-01", "before", SampleValue.of(1L), 1, 0))))
                    .isInstanceOf(DeliveryOutcome.Delivered.class);
            first.close();
            assertThat(send(sink, List.of(sample("web-01", "during", SampleValue.of(2L), 2, 0))))
                    .isInstanceOf(DeliveryOutcome.Retry.class);

            try (ZabbixTrapperReceiver second = ZabbixTrapperReceiver.create(secondPort, key -> true,
                    (row, processed) -> { })) {
                assertThat(send(sink, List.of(sample("web-01", "during", SampleValue.of(2L), 2, 0))))
                        .isInstanceOf(DeliveryOutcome.Delivered.class);

                await().atMost(Duration.ofSeconds(3)).until(() -> second.rows().size() >= 2);
                assertThat(second.rows()).extracting(Row::key).anyMatch(key -> key.contains("before"))
                        .anyMatch(key -> key.contains("during"));
                assertThat(sink.events().get("failover_rows_resent").getAsLong()).isEqualTo(1);
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
