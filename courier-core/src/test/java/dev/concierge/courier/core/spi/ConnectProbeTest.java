package dev.concierge.courier.core.spi;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ConnectProbeTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    @Test
    void aListeningDestinationAnswersAndAClosedOneDoesNot() throws Exception {
        int port;
        try (ServerSocket listening = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = listening.getLocalPort();
            assertThat(ConnectProbe.connect("127.0.0.1", port, TIMEOUT).toCompletableFuture().get(10, TimeUnit.SECONDS))
                    .isTrue();
        }
        assertThat(ConnectProbe.connect("127.0.0.1", port, TIMEOUT).toCompletableFuture().get(10, TimeUnit.SECONDS))
                .isFalse();
    }

    @Test
    void aNameThatDoesNotResolveIsUnreachable() throws Exception {
        assertThat(ConnectProbe.connect("no-such-host.invalid", 10051, TIMEOUT).toCompletableFuture()
                .get(30, TimeUnit.SECONDS)).isFalse();
    }
}
