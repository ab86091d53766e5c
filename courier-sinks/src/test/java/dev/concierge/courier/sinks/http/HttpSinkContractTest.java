package dev.concierge.courier.sinks.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.spi.Sink;
import dev.concierge.courier.core.testing.SinkContractTest;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The sink contract against a real InfluxDB 1.x, writing line protocol. */
class HttpSinkContractTest extends SinkContractTest {
    private static RealInfluxDb influx;

    @BeforeAll
    static void startInflux() throws Exception {
        influx = RealInfluxDb.start("contract");
    }

    @AfterAll
    static void stopInflux() {
        if (influx != null) {
            influx.close();
        }
    }

    @Override
    protected Sink createSink(String name) {
        return HttpSink.create(HttpSinkConfig.of(name, influx.writeUrl()).withFormat(HttpSinkConfig.Format.INFLUX));
    }

    @Override
    protected Sink createSinkToRefusingDestination(String name) throws Exception {
        int closedPort;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = probe.getLocalPort();
        }
        return HttpSink.create(HttpSinkConfig.of(name, URI.create("http://127.0.0.1:" + closedPort
                + "/write?db=contract&precision=s")).withFormat(HttpSinkConfig.Format.INFLUX));
    }

    /** Sent samples found as points: same measurement, same second, same value. */
    @Override
    protected long receivedOf(List<Sample> sent) {
        String measurements = sent.stream().map(s -> '"' + s.name() + '"').distinct().collect(Collectors.joining(","));
        Set<String> stored = new HashSet<>();
        for (JsonNode series : influx.query("SELECT \"value\" FROM " + measurements).path(0).path("series")) {
            for (JsonNode point : series.path("values")) {
                stored.add(series.path("name").asText() + " " + point.path(0).asLong() + " " + point.path(1).asText());
            }
        }
        return sent.stream().filter(s -> stored.contains(s.name() + " " + s.epochSecond() + " " + s.value().render()))
                .count();
    }
}
