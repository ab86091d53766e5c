package dev.concierge.courier.sources.graphite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.sources.ScriptedAcknowledgingEmitter;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The Graphite intake on real TCP and UDP sockets. */
class GraphiteIntakeSourceTest {
    private final ScriptedAcknowledgingEmitter out = ScriptedAcknowledgingEmitter.acknowledgingAtOnce();
    private GraphiteIntakeSource intake;

    @AfterEach
    void close() {
        if (intake != null) {
            intake.close();
        }
    }

    private void start(GraphiteIntakeConfig config) throws Exception {
        intake = GraphiteIntakeSource.create(config);
        intake.listen(out);
    }

    @Test
    void takesLinesOverTcpSplitAnywhereAndCountsMalformedOnes() throws Exception {
        start(GraphiteIntakeConfig.of("reporters", "127.0.0.1", 0, "app-01").withTemplates(List.of("app.* .env.name*")));

        try (Socket socket = new Socket("127.0.0.1", intake.port())) {
            OutputStream stream = socket.getOutputStream();
            stream.write("app.prod.requests 1 1717171717\napp.prod.err".getBytes(StandardCharsets.UTF_8));
            stream.flush();
            stream.write("ors 2 1717171717\nnot a line at all\r\n".getBytes(StandardCharsets.UTF_8));
        }

        await().until(() -> out.offered.size() == 2 && intake.events().get("values_refused").getAsLong() == 1);
        assertThat(out.offered).extracting(Sample::name).containsExactly("requests", "errors");
        assertThat(out.offered.get(1).labels().value(0)).isEqualTo("prod");
    }

    @Test
    void takesDatagramsWhenUdpIsOn() throws Exception {
        start(GraphiteIntakeConfig.of("reporters", "127.0.0.1", 0, "app-01").withUdpPort(0));
        byte[] lines = "a.b 1 1717171717\nc.d 2.5 1717171717\n".getBytes(StandardCharsets.UTF_8);

        try (DatagramSocket socket = new DatagramSocket()) {
            socket.send(new DatagramPacket(lines, lines.length, InetAddress.getLoopbackAddress(), intake.udpPort()));
        }

        await().until(() -> out.offered.size() == 2);
        assertThat(out.offered).extracting(Sample::name).containsExactly("a.b", "c.d");
    }

    @Test
    void refusesClientsOutsideAllowed() throws Exception {
        GraphiteIntakeConfig c = GraphiteIntakeConfig.of("reporters", "127.0.0.1", 0, "app-01");
        start(new GraphiteIntakeConfig(c.name(), c.host(), 0, -1, List.of("192.0.2.0/24"), List.of(), "app-01",
                c.maxLineBytes(), c.maxConnections(), c.idleTimeout()));

        try (Socket socket = new Socket("127.0.0.1", intake.port())) {
            socket.getOutputStream().write("a 1 1\n".getBytes(StandardCharsets.UTF_8));
            assertThat(socket.getInputStream().read()).isEqualTo(-1);
        }

        assertThat(intake.events().get("connections_refused_not_allowed").getAsLong()).isEqualTo(1);
        assertThat(out.offered).isEmpty();
    }
}
