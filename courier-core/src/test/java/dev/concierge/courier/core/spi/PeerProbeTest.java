package dev.concierge.courier.core.spi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.concierge.courier.core.model.Labels;
import dev.concierge.courier.core.model.MetricType;
import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.model.SampleValue;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The probes of {@code courier check --connect}, against real sockets on loopback and sources of the test's own. */
class PeerProbeTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    @Test
    void tcpConnectsToAListeningPortAndSendsNothing() throws IOException {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            PeerProbe probe = PeerProbe.tcp("127.0.0.1", server.getLocalPort());

            PeerProbe.Outcome outcome = probe.attempt(TIMEOUT);

            assertThat(outcome).isEqualTo(new PeerProbe.Outcome(true, "connected"));
            assertThat(probe.target()).isEqualTo("tcp://127.0.0.1:" + server.getLocalPort());
            try (Socket accepted = server.accept()) {
                assertThat(accepted.getInputStream().read()).as("end of stream, no byte").isEqualTo(-1);
            }
        }
    }

    @Test
    void tcpReportsAPortWhereNothingListens() throws IOException {
        int port;
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = server.getLocalPort();
        }

        PeerProbe.Outcome outcome = PeerProbe.tcp("127.0.0.1", port).attempt(TIMEOUT);

        assertThat(outcome.reached()).isFalse();
        assertThat(outcome.detail()).isEqualTo("Connection refused");
    }

    private static Sample sample() {
        return new Sample("x", Labels.empty(), MetricType.GAUGE, null, SampleValue.of(1L), 0, 0, "h", "s");
    }

    @Test
    void collectOnceCountsWhatTheSourceOffersAndClosesIt() {
        AtomicBoolean closed = new AtomicBoolean();
        PeerProbe probe = PeerProbe.collectOnce("file.json", () -> new Source() {
            @Override
            public String name() {
                return "s";
            }

            @Override
            public void collect(Emitter out) {
                out.offer(sample());
                out.offer(sample());
            }

            @Override
            public void close() {
                closed.set(true);
            }
        });

        assertThat(probe.attempt(TIMEOUT)).isEqualTo(new PeerProbe.Outcome(true, "2 sample(s)"));
        assertThat(closed).isTrue();
    }

    @Test
    void collectOnceReportsAFailedCollectWithItsSecretsHidden() {
        Secret token = Secret.of("s3cret-token");
        PeerProbe probe = PeerProbe.collectOnce("http://app/metrics", () -> new Source() {
            @Override
            public String name() {
                return "s";
            }

            @Override
            public void collect(Emitter out) throws SourceException {
                throw new SourceException("HTTP 401 for token s3cret-token");
            }

            @Override
            public SecretMask secrets() {
                return SecretMask.of(token);
            }
        });

        PeerProbe.Outcome outcome = probe.attempt(TIMEOUT);

        assertThat(outcome.reached()).isFalse();
        assertThat(outcome.detail()).startsWith("HTTP 401 for token ").doesNotContain("s3cret-token");
    }
}
