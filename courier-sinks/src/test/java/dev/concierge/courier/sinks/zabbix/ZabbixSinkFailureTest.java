package dev.concierge.courier.sinks.zabbix;

import static dev.concierge.courier.sinks.zabbix.ZabbixSinkTest.sample;
import static dev.concierge.courier.sinks.zabbix.ZabbixSinkTest.send;
import static org.assertj.core.api.Assertions.assertThat;

import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.model.SampleValue;
import dev.concierge.courier.core.spi.Batch;
import dev.concierge.courier.core.spi.DeliveryOutcome;
import dev.concierge.courier.core.testing.CapturedStderr;
import dev.concierge.courier.sinks.zabbix.client.ScriptedTrapper;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ZabbixSinkFailureTest {

    private static final List<Sample> TWO_ROWS = List.of(sample("web-01", "a", SampleValue.of(1L), 1, 0),
            sample("web-01", "b", SampleValue.of(2L), 1, 1));

    private ScriptedTrapper trapper;
    private ZabbixSink sink;

    @AfterEach
    void closeBoth() throws IOException {
        if (sink != null) {
            sink.close();
        }
        if (trapper != null) {
            trapper.close();
        }
    }

    private ZabbixSink sinkTo(int port) {
        return ZabbixSink.create(ZabbixSinkConfig.of("zabbix-test", "127.0.0.1", port)
                .withTimeouts(Duration.ofSeconds(2), Duration.ofMillis(300)));
    }

    private DeliveryOutcome answer(Function<String, byte[]> script) throws Exception {
        trapper = new ScriptedTrapper(script);
        sink = sinkTo(trapper.port());
        return send(sink, TWO_ROWS);
    }

    private static void assertRetry(DeliveryOutcome outcome, String detailPart) {
        assertThat(outcome).isInstanceOf(DeliveryOutcome.Retry.class);
        assertThat(outcome.detail()).startsWith("127.0.0.1:").contains(detailPart);
    }

    @Test
    void retriesWhenTheConnectionIsRefused() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        sink = sinkTo(port);

        assertRetry(send(sink, TWO_ROWS), "connection refused");
    }

    /**
     * One failed attempt is one WARN line, the pipeline's, which prints the outcome's detail: so the sink
     * logs its frames at DEBUG and the detail carries everything an operator needs from that one line (server,
     * frames, cause, rows and hosts).
     */
    @Test
    void aFailedAttemptIsARetryWhoseDetailNamesServerFramesRowsAndHostsWithoutAWarnLine() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        sink = sinkTo(port);
        List<Sample> twoHosts = List.of(sample("web-01", "a", SampleValue.of(1L), 1, 0),
                sample("web-02", "b", SampleValue.of(2L), 1, 1), sample("web-01", "c", SampleValue.of(3L), 1, 2));

        DeliveryOutcome outcome;
        try (CapturedStderr logs = new CapturedStderr()) {
            outcome = send(sink, twoHosts);

            assertThat(logs.text()).doesNotContain("WARN");
        }
        assertThat(outcome).isInstanceOf(DeliveryOutcome.Retry.class);
        assertThat(outcome.detail()).startsWith("127.0.0.1:" + port + ": 2 of 2 frames: connect: ")
                .contains("connection refused")
                .endsWith(" (3 rows for hosts web-01, web-02)");
    }

    @Test
    void retriesAfterTheReadTimeoutWhenTheServerNeverAnswers() throws Exception {
        assertRetry(answer(request -> ScriptedTrapper.HOLD), "read timeout: no reply within 300 ms");
    }

    @Test
    void retriesWhenTheServerAnswersGarbage() throws Exception {
        assertRetry(answer(request -> "HTTP/1.1 400 Bad Request\r\n\r\n".getBytes(StandardCharsets.US_ASCII)),
                "reply: magic[0]: 0x48 (expected: 0x5a of \"ZBXD\")");
    }

    @Test
    void retriesWhenTheReplyIsTruncated() throws Exception {
        byte[] whole = ScriptedTrapper.success(2, 0, 2);
        byte[] truncated = java.util.Arrays.copyOf(whole, 30);

        assertRetry(answer(request -> truncated), "reply: frame: input ended in the payload with 17 bytes pending");
    }

    @Test
    void retriesWhenTheReplyIsABareOkWithoutHeader() throws Exception {
        assertRetry(answer(request -> "OK".getBytes(StandardCharsets.US_ASCII)), "reply: magic[0]: 0x4f");
    }

    @Test
    void retriesWhenTheServerClosesWithoutAReply() throws Exception {
        assertRetry(answer(request -> ScriptedTrapper.CLOSE), "connection closed before a complete reply");
    }

    @Test
    void retriesWhenTheConnectionIsReset() throws Exception {
        DeliveryOutcome outcome = answer(request -> ScriptedTrapper.RESET);

        assertThat(outcome).isInstanceOf(DeliveryOutcome.Retry.class);
        assertThat(outcome.detail()).containsAnyOf("reset", "connection closed before a complete reply");
    }

    @Test
    void retriesWhenTheReplyIsNotJson() throws Exception {
        assertRetry(answer(request -> ScriptedTrapper.frame("processed: 2")), "reply: \"processed: 2\"");
    }

    @Test
    void retriesWhenTheTotalDisagreesWithTheRowsSent() throws Exception {
        assertRetry(answer(request -> ScriptedTrapper.success(1, 0, 1)),
                "reply: total 1, processed 1, failed 0 (expected: total 2 = rows sent = processed + failed)");
    }

    @Test
    void retriesWhenSuccessCarriesNoCounts() throws Exception {
        assertRetry(answer(request -> ScriptedTrapper.frame("{\"response\":\"success\"}")),
                "reply: success without counts");
    }

    @Test
    void retriesWhenTheServerIsShuttingDown() throws Exception {
        assertRetry(answer(request -> ScriptedTrapper.frame(
                "{\"response\":\"failed\",\"info\":\"Zabbix server shutdown in progress\"}")), "server busy");
    }

    @Test
    void rejectsTheBatchWhenTheServerAnswersFailed() throws Exception {
        DeliveryOutcome outcome = answer(request -> ScriptedTrapper.frame(
                "{\"response\":\"failed\",\"info\":\"cannot parse as a valid JSON object\"}"));

        assertThat(outcome).isEqualTo(new DeliveryOutcome.Rejected("cannot parse as a valid JSON object"));
    }

    @Test
    void keepsAtMostMaxInFlightConnectionsAcrossConcurrentBatches() throws Exception {
        // Connections meet in pairs: each waits for a second one to be open before it is answered.
        CyclicBarrier pairs = new CyclicBarrier(2);
        trapper = new ScriptedTrapper(request -> {
            try {
                pairs.await(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                pairs.reset();
            }
            return ScriptedTrapper.success(1, 0, 1);
        });
        sink = ZabbixSink.create(ZabbixSinkConfig.of("zabbix-test", "127.0.0.1", trapper.port()).withMaxInFlight(2));
        List<CompletableFuture<DeliveryOutcome>> outcomes = new ArrayList<>();
        for (int b = 0; b < 3; b++) {
            List<Sample> samples = new ArrayList<>();
            for (int h = 0; h < 4; h++) {
                samples.add(sample("host-" + b + "-" + h, "up", SampleValue.of(1L), 1, 0));
            }
            outcomes.add(sink.send(new Batch(b, samples)).toCompletableFuture());
        }

        for (CompletableFuture<DeliveryOutcome> outcome : outcomes) {
            assertThat(outcome.get(30, TimeUnit.SECONDS)).isInstanceOf(DeliveryOutcome.Delivered.class);
        }
        assertThat(trapper.requests()).hasSize(12);
        assertThat(trapper.mostUnanswered()).isEqualTo(2);
    }
}
