package dev.concierge.courier.sinks.zabbix;

import static dev.concierge.courier.sinks.zabbix.ZabbixSinkTest.sample;
import static dev.concierge.courier.sinks.zabbix.ZabbixSinkTest.send;
import static org.assertj.core.api.Assertions.assertThat;

import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.model.SampleValue;
import dev.concierge.courier.core.spi.DeliveryOutcome;
import dev.concierge.courier.sinks.zabbix.client.ZabbixServerNodes;
import dev.concierge.courier.sinks.zabbix.trapper.ZabbixTrapperReceiver;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The sink in front of an HA cluster: a standby (a port nobody listens on, as a 6.0 standby does not
 * listen) is passed over; while no node answers, every batch is a Retry with nothing sent, which the
 * pipeline keeps and sends again.
 */
class ZabbixSinkClusterTest {
    private static final List<Sample> TWO_ROWS = List.of(sample("web-01", "a", SampleValue.of(1L), 1, 0),
            sample("web-01", "b", SampleValue.of(2L), 1, 1));

    @Test
    void deliversThroughTheNodeThatListens() throws Exception {
        int standby = freePort();
        try (ZabbixTrapperReceiver active = ZabbixTrapperReceiver.create();
             ZabbixSink sink = sinkTo("127.0.0.1:" + standby + ";127.0.0.1:" + active.port())) {
            DeliveryOutcome outcome = send(sink, TWO_ROWS);

            assertThat(outcome).isInstanceOf(DeliveryOutcome.Delivered.class);
            assertThat(active.rows()).hasSize(2);
            assertThat(sink.name()).isEqualTo("cluster");
        }
    }

    @Test
    void retriesWhileNoNodeAnswersAndDeliversOnceOneTakesOver() throws Exception {
        int first = freePort();
        int second = freePort();
        try (ZabbixSink sink = sinkTo("127.0.0.1:" + first + ";127.0.0.1:" + second)) {
            DeliveryOutcome failover = send(sink, TWO_ROWS);

            assertThat(failover).isInstanceOf(DeliveryOutcome.Retry.class);
            assertThat(failover.detail()).startsWith("127.0.0.1:" + first + ";127.0.0.1:" + second
                    + ": connect: no node took the connection (127.0.0.1:" + first + ": ")
                    .contains("; 127.0.0.1:" + second + ": connection refused");

            try (ZabbixTrapperReceiver tookOver = ZabbixTrapperReceiver.create(second, key -> true,
                    (row, processed) -> { })) {
                assertThat(send(sink, TWO_ROWS)).isInstanceOf(DeliveryOutcome.Delivered.class);
                assertThat(tookOver.rows()).hasSize(2);
            }
        }
    }

    private static ZabbixSink sinkTo(String servers) {
        return ZabbixSink.create(ZabbixSinkConfig.of("cluster", ZabbixServerNodes.parse(servers, 10051))
                .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(5)));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
