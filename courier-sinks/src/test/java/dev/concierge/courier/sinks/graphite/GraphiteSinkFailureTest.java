package dev.concierge.courier.sinks.graphite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.concierge.courier.core.model.Labels;
import dev.concierge.courier.core.model.MetricType;
import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.model.SampleValue;
import dev.concierge.courier.core.spi.Batch;
import dev.concierge.courier.core.spi.DeliveryOutcome;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Connections that break or stall while a batch is being written. */
class GraphiteSinkFailureTest {
    private final StallingReceiver receiver = new StallingReceiver();
    private GraphiteSink sink;

    @AfterEach
    void stop() throws IOException {
        if (sink != null) {
            sink.close();
        }
        receiver.close();
    }

    /**
     * More bytes than the kernel buffers of both ends hold (Linux caps an autotuned send buffer at
     * tcp_wmem's 4 MiB; the receiver's buffer is 4 KiB), so the flush cannot complete while nobody reads.
     */
    private static List<Sample> eightMebibytes() {
        List<Sample> samples = new ArrayList<>();
        for (int i = 0; i < 800; i++) {
            samples.add(new Sample("big." + i + "." + "x".repeat(10_000), Labels.empty(), MetricType.GAUGE, null,
                    SampleValue.of(i), 1_700_000_000L + i, 0, "h", "s"));
        }
        return samples;
    }

    @Test
    void answersRetryWhenTheConnectionBreaksBeforeTheFlushAndTheResendArrivesWhole() throws Exception {
        sink = GraphiteSink.create(GraphiteSinkConfig.of("broken", "127.0.0.1", receiver.port())
                .withTimeouts(Duration.ofSeconds(3), Duration.ofSeconds(300)).withMaxBatchSize(1000));
        Batch batch = new Batch(7, eightMebibytes());

        CompletableFuture<DeliveryOutcome> first = sink.send(batch).toCompletableFuture();
        Socket stalled = receiver.accepted.poll(30, TimeUnit.SECONDS);
        assertThat(stalled).isNotNull();
        await().until(() -> stalled.getInputStream().available() > 0); // connected, and the write under way
        assertThat(first).isNotDone();
        stalled.setSoLinger(true, 0);
        stalled.close(); // RST while the sink still has megabytes to write

        DeliveryOutcome outcome = first.get(30, TimeUnit.SECONDS);
        assertThat(outcome).isInstanceOf(DeliveryOutcome.Retry.class);
        assertThat(outcome.detail()).startsWith("127.0.0.1:" + receiver.port()
                + ": connection broke before the flush completed: ");

        receiver.readFromNowOn();
        DeliveryOutcome resent = sink.send(batch).toCompletableFuture().get(60, TimeUnit.SECONDS);
        assertThat(resent).isInstanceOf(DeliveryOutcome.Delivered.class);
        await().atMost(Duration.ofSeconds(60)).until(() -> receiver.lines.size() == batch.size());
        GraphiteLineEncoder encoder = new GraphiteLineEncoder(GraphitePathTemplate.of(
                GraphiteSinkConfig.DEFAULT_TEMPLATE, false, ""));
        assertThat(receiver.lines).containsExactlyElementsOf(
                batch.samples().stream().map(s -> encoder.encode(s).strip()).toList());
    }

    @Test
    void answersRetryAndClosesTheConnectionWhenCarbonDoesNotReadWithinTheWriteTimeout() throws Exception {
        sink = GraphiteSink.create(GraphiteSinkConfig.of("stalled", "127.0.0.1", receiver.port())
                .withTimeouts(Duration.ofSeconds(3), Duration.ofMillis(500)));

        DeliveryOutcome outcome = sink.send(new Batch(1, eightMebibytes())).toCompletableFuture()
                .get(30, TimeUnit.SECONDS);

        assertThat(outcome).isInstanceOf(DeliveryOutcome.Retry.class);
        assertThat(outcome.detail()).isEqualTo("127.0.0.1:" + receiver.port()
                + ": not flushed within write_timeout PT0.5S (carbon not reading)");
        Socket stalled = receiver.accepted.poll(30, TimeUnit.SECONDS);
        assertThat(stalled).isNotNull();
        // The sink closed its end: once the backlog is drained, the stalled side reads the end of input.
        await().atMost(Duration.ofSeconds(30)).until(() -> drainsToEnd(stalled));
    }

    private static boolean drainsToEnd(Socket socket) throws IOException {
        byte[] buffer = new byte[1 << 16];
        while (true) {
            int n = socket.getInputStream().read(buffer);
            if (n < 0) {
                return true;
            }
        }
    }

    /**
     * Accepts connections on 127.0.0.1 with a 4 KiB receive buffer and hands them to the test unread; after
     * {@link #readFromNowOn()}, it reads every later connection's lines itself.
     */
    private static final class StallingReceiver implements AutoCloseable {
        final BlockingQueue<Socket> accepted = new LinkedBlockingQueue<>();
        final List<String> lines = new CopyOnWriteArrayList<>();
        private final ServerSocket server;
        private volatile boolean reading;

        StallingReceiver() {
            try {
                server = new ServerSocket();
                server.setReceiveBufferSize(4096); // inherited by accepted sockets; must be set before bind
                server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            Thread acceptor = new Thread(this::acceptLoop, "stalling-receiver");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return server.getLocalPort();
        }

        void readFromNowOn() {
            reading = true;
        }

        private void acceptLoop() {
            while (!server.isClosed()) {
                try {
                    Socket socket = server.accept();
                    if (!reading) {
                        accepted.add(socket);
                        continue;
                    }
                    Thread reader = new Thread(() -> readLines(socket), "stalling-receiver-reader");
                    reader.setDaemon(true);
                    reader.start();
                } catch (IOException e) {
                    return; // closed
                }
            }
        }

        private void readLines(Socket socket) {
            try (socket; BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.US_ASCII))) {
                String line;
                while ((line = in.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException e) {
                // the sink closed the connection; the test checks what arrived
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
            for (Socket s : accepted) {
                s.close();
            }
        }
    }
}
