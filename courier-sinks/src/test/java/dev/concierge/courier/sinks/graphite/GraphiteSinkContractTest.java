package dev.concierge.courier.sinks.graphite;

import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.spi.Sink;
import dev.concierge.courier.core.testing.SinkContractTest;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;

class GraphiteSinkContractTest extends SinkContractTest {
    private final GraphiteLineReceiver receiver = GraphiteLineReceiver.start();
    private final GraphiteLineEncoder encoder = new GraphiteLineEncoder(GraphitePathTemplate.of(
            GraphiteSinkConfig.DEFAULT_TEMPLATE, false, ""));

    @AfterEach
    void stopReceiver() {
        receiver.close();
    }

    @Override
    protected Sink createSink(String name) {
        return GraphiteSink.create(GraphiteSinkConfig.of(name, "127.0.0.1", receiver.port()));
    }

    @Override
    protected Sink createSinkToRefusingDestination(String name) throws Exception {
        int closedPort;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = probe.getLocalPort();
        }
        return GraphiteSink.create(GraphiteSinkConfig.of(name, "127.0.0.1", closedPort));
    }

    @Override
    protected long receivedOf(List<Sample> sent) {
        Set<String> expected = sent.stream().map(s -> encoder.encode(s).strip()).collect(Collectors.toSet());
        return receiver.lines().stream().filter(expected::contains).count();
    }
}
