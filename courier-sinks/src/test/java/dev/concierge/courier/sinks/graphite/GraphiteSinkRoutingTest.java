package dev.concierge.courier.sinks.graphite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.spi.Batch;
import dev.concierge.courier.core.spi.DeliveryOutcome;
import dev.concierge.courier.core.testing.Samples;
import dev.concierge.courier.sinks.graphite.GraphiteSinkConfig.Mode;
import dev.concierge.courier.sinks.graphite.GraphiteSinkConfig.Server;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Failover and hash routing between two receivers, one of them closed where it matters. */
class GraphiteSinkRoutingTest {
    private static final GraphiteLineEncoder ENCODER = new GraphiteLineEncoder(GraphitePathTemplate.of(
            GraphiteSinkConfig.DEFAULT_TEMPLATE, false, ""));

    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final AtomicLong nanos = new AtomicLong();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    private GraphiteLineReceiver receiver() {
        GraphiteLineReceiver r = GraphiteLineReceiver.start();
        toClose.add(r);
        return r;
    }

    private GraphiteSink sink(Mode mode, int... ports) {
        List<Server> servers = new ArrayList<>();
        for (int port : ports) {
            servers.add(Server.of("127.0.0.1", port));
        }
        GraphiteSink sink = GraphiteSink.create(GraphiteSinkConfig.of("routing", servers).withMode(mode),
                nanos::get, Duration.ofSeconds(30));
        toClose.add(sink);
        return sink;
    }

    private static int closedPort() throws Exception {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }

    private static DeliveryOutcome send(GraphiteSink sink, List<Sample> samples) throws Exception {
        return sink.send(new Batch(1, samples)).toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    private static List<String> lines(List<Sample> samples) {
        return samples.stream().map(s -> ENCODER.encode(s).strip()).toList();
    }

    @Test
    void failoverSendsEverythingToTheFirstServerWhileItIsUp() throws Exception {
        GraphiteLineReceiver first = receiver();
        GraphiteLineReceiver second = receiver();
        GraphiteSink sink = sink(Mode.FAILOVER, first.port(), second.port());

        for (int i = 0; i < 3; i++) {
            assertThat(send(sink, Samples.counters("b" + i, 10))).isInstanceOf(DeliveryOutcome.Delivered.class);
        }

        await().until(() -> first.lines().size() == 30);
        assertThat(second.connections()).isZero();
    }

    @Test
    void failoverMovesToTheNextServerAfterAFailedConnect() throws Exception {
        int down = closedPort();
        GraphiteLineReceiver second = receiver();
        GraphiteSink sink = sink(Mode.FAILOVER, down, second.port());
        List<Sample> samples = Samples.counters("app", 5);

        DeliveryOutcome first = send(sink, samples);
        DeliveryOutcome again = send(sink, samples);

        assertThat(first).isInstanceOf(DeliveryOutcome.Retry.class);
        assertThat(first.detail()).startsWith("127.0.0.1:" + down + ": connect: ");
        assertThat(again).isEqualTo(new DeliveryOutcome.Delivered("written and flushed to 127.0.0.1:"
                + second.port() + " (Graphite does not acknowledge)"));
        await().until(() -> second.lines().equals(lines(samples)));
    }

    @Test
    void failoverGoesBackToTheFirstServerOnceItsDownMarkHasPassed() throws Exception {
        GraphiteLineReceiver firstBefore = GraphiteLineReceiver.start();
        int firstPort = firstBefore.port();
        firstBefore.close();
        GraphiteLineReceiver second = receiver();
        GraphiteSink sink = sink(Mode.FAILOVER, firstPort, second.port());
        assertThat(send(sink, Samples.counters("a", 1))).isInstanceOf(DeliveryOutcome.Retry.class);
        assertThat(send(sink, Samples.counters("a", 1))).isInstanceOf(DeliveryOutcome.Delivered.class);

        GraphiteLineReceiver first = GraphiteLineReceiver.startOn(firstPort);
        toClose.add(first);
        assertThat(send(sink, Samples.counters("b", 1))).isInstanceOf(DeliveryOutcome.Delivered.class);
        nanos.addAndGet(Duration.ofSeconds(30).toNanos());
        assertThat(send(sink, Samples.counters("c", 1))).isInstanceOf(DeliveryOutcome.Delivered.class);

        await().until(() -> first.lines().size() == 1);
        assertThat(first.lines()).containsExactlyElementsOf(lines(Samples.counters("c", 1)));
        await().until(() -> second.lines().size() == 2);
    }

    @Test
    void hashSendsEachSeriesAlwaysToTheSameServer() throws Exception {
        GraphiteLineReceiver a = receiver();
        GraphiteLineReceiver b = receiver();
        GraphiteSink sink = sink(Mode.HASH, a.port(), b.port());
        List<Sample> samples = Samples.counters("series", 200);

        assertThat(send(sink, samples)).isInstanceOf(DeliveryOutcome.Delivered.class);
        assertThat(send(sink, samples)).isInstanceOf(DeliveryOutcome.Delivered.class);

        await().until(() -> a.lines().size() + b.lines().size() == 400);
        List<String> expectedOnA = new ArrayList<>();
        for (String line : lines(samples)) {
            if (Integer.remainderUnsigned(GraphiteSink.seriesHash(line), 2) == 0) {
                expectedOnA.add(line);
            }
        }
        assertThat(expectedOnA).hasSizeBetween(60, 140); // FNV-1a spreads 200 series roughly evenly
        List<String> twice = new ArrayList<>(expectedOnA);
        twice.addAll(expectedOnA);
        assertThat(a.lines()).containsExactlyElementsOf(twice);
        assertThat(b.lines()).doesNotContainAnyElementsOf(expectedOnA);
    }

    @Test
    void hashMovesOnlyTheSeriesOfADownServerToTheNextOne() throws Exception {
        GraphiteLineReceiver a = receiver();
        int down = closedPort();
        GraphiteSink sink = sink(Mode.HASH, a.port(), down);
        List<Sample> samples = Samples.counters("series", 50);
        List<String> ownedByA = lines(samples).stream()
                .filter(line -> Integer.remainderUnsigned(GraphiteSink.seriesHash(line), 2) == 0).toList();

        DeliveryOutcome first = send(sink, samples);
        assertThat(first).isInstanceOf(DeliveryOutcome.Retry.class);
        assertThat(first.detail()).startsWith("127.0.0.1:" + down + ": connect: ")
                .endsWith("1 of 2 servers not flushed, the whole batch is sent again");
        await().until(() -> a.lines().size() == ownedByA.size());
        assertThat(a.lines()).containsExactlyElementsOf(ownedByA);

        assertThat(send(sink, samples)).isInstanceOf(DeliveryOutcome.Delivered.class);
        await().until(() -> a.lines().size() == ownedByA.size() + samples.size());
        assertThat(a.lines().subList(ownedByA.size(), a.lines().size()))
                .containsExactlyInAnyOrderElementsOf(lines(samples));
    }
}
