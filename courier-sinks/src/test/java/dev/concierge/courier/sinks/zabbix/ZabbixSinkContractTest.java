package dev.concierge.courier.sinks.zabbix;

import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.spi.Sink;
import dev.concierge.courier.core.testing.SinkContractTest;
import dev.concierge.courier.sinks.zabbix.client.ZabbixKeys;
import dev.concierge.courier.sinks.zabbix.trapper.ZabbixTrapperReceiver;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;

class ZabbixSinkContractTest extends SinkContractTest {
    private final ZabbixTrapperReceiver receiver = ZabbixTrapperReceiver.create();

    @AfterEach
    void stopReceiver() {
        receiver.close();
    }

    @Override
    protected Sink createSink(String name) {
        return ZabbixSink.create(ZabbixSinkConfig.of(name, "127.0.0.1", receiver.port()));
    }

    @Override
    protected Sink createSinkToRefusingDestination(String name) throws Exception {
        int closedPort;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = probe.getLocalPort();
        }
        return ZabbixSink.create(ZabbixSinkConfig.of(name, "127.0.0.1", closedPort));
    }

    @Override
    protected long receivedOf(List<Sample> sent) {
        Set<String> keys = sent.stream().map(ZabbixKeys::render).collect(Collectors.toSet());
        return receiver.rows().stream().filter(row -> keys.contains(row.key())).count();
    }
}
