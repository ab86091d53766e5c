package dev.concierge.courier.sources.zabbix;

import static dev.concierge.courier.sources.zabbix.ZabbixRequestDecoderTest.frame;
import static dev.concierge.courier.sources.zabbix.ZabbixRequestDecoderTest.zlib;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.sources.ScriptedAcknowledgingEmitter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.zip.Inflater;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The intake on a real socket, with the pipeline scripted. */
class ZabbixIntakeSourceTest {
    private static final String TWO_ROWS = "{\"request\":\"sender data\",\"data\":[{\"host\":\"h\",\"key\":\"a\","
            + "\"value\":\"1\",\"clock\":1717171717,\"ns\":5},{\"host\":\"h\",\"key\":\"b[x]\",\"value\":\"text\"}]}";
    private ZabbixIntakeSource intake;

    @AfterEach
    void close() {
        if (intake != null) {
            intake.close();
        }
    }

    private ZabbixIntakeSource start(ZabbixIntakeConfig config, ScriptedAcknowledgingEmitter out) throws Exception {
        intake = ZabbixIntakeSource.create(config);
        intake.listen(out);
        return intake;
    }

    private static ZabbixIntakeConfig config() {
        return ZabbixIntakeConfig.of("scripts", "127.0.0.1", 0);
    }

    private static ZabbixIntakeConfig with(ZabbixIntakeConfig c, List<String> allowed, int maxConnections,
                                           Duration requestTimeout, Duration ackTimeout) {
        return new ZabbixIntakeConfig(c.name(), c.host(), c.port(), allowed, c.maxRequestBytes(), maxConnections,
                requestTimeout, ackTimeout, c.tls(), c.acceptsUnencrypted());
    }

    /** Reads a whole reply frame and returns its JSON, inflated when flag 0x02 says so; null at EOF before one. */
    static String readReply(InputStream in) throws IOException {
        byte[] header = in.readNBytes(13);
        if (header.length < 13) {
            return null;
        }
        assertThat(Arrays.copyOf(header, 4)).isEqualTo(new byte[] {'Z', 'B', 'X', 'D'});
        ByteBuffer lengths = ByteBuffer.wrap(header, 5, 8).order(ByteOrder.LITTLE_ENDIAN);
        int datalen = lengths.getInt();
        int reserved = lengths.getInt();
        byte[] payload = in.readNBytes(datalen);
        if (header[4] == 0x03) {
            Inflater inflater = new Inflater();
            inflater.setInput(payload);
            byte[] raw = new byte[reserved];
            try {
                inflater.inflate(raw);
            } catch (java.util.zip.DataFormatException e) {
                throw new IOException(e);
            } finally {
                inflater.end();
            }
            return "compressed:" + new String(raw, StandardCharsets.UTF_8);
        }
        assertThat(header[4]).isEqualTo((byte) 0x01);
        return new String(payload, StandardCharsets.UTF_8);
    }

    private String exchange(byte[] request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", intake.port())) {
            socket.getOutputStream().write(request);
            return readReply(socket.getInputStream());
        }
    }

    private long event(String name) {
        LongSupplier count = intake.events().get(name);
        return count.getAsLong();
    }

    @Test
    void answersProcessedOnlyOnceTheValuesAreDurable() throws Exception {
        ScriptedAcknowledgingEmitter out = ScriptedAcknowledgingEmitter.holdingReceipts();
        start(config(), out);

        try (Socket socket = new Socket("127.0.0.1", intake.port())) {
            socket.getOutputStream().write(frame(0x01, TWO_ROWS.getBytes(StandardCharsets.UTF_8), 0));
            await().until(() -> out.held.size() == 1);
            // The receipt is held: the handler has run and left nothing to write.
            assertThat(socket.getInputStream().available()).isZero();

            out.held.get(0).complete(null);

            assertThat(readReply(socket.getInputStream()))
                    .matches("\\{\"response\":\"success\",\"info\":\"processed: 2; failed: 0; total: 2; "
                            + "seconds spent: [0-9]+\\.[0-9]{6}\"}");
            assertThat(socket.getInputStream().read()).isEqualTo(-1);
        }
        assertThat(out.offered).extracting(Sample::name).containsExactly("a", "b[x]");
    }

    @Test
    void answersACompressedRequestCompressed() throws Exception {
        start(config(), ScriptedAcknowledgingEmitter.acknowledgingAtOnce());
        byte[] json = TWO_ROWS.getBytes(StandardCharsets.UTF_8);

        assertThat(exchange(frame(0x03, zlib(json), json.length)))
                .startsWith("compressed:{\"response\":\"success\",\"info\":\"processed: 2; failed: 0; total: 2;");
    }

    @Test
    void countsAsFailedTheRowsItRefusesAndWhatTheRingRefused() throws Exception {
        start(config(), ScriptedAcknowledgingEmitter.refusingLast(1));
        String json = "{\"request\":\"sender data\",\"data\":[{\"host\":\"h\",\"key\":\"a\",\"value\":\"1\"},"
                + "{\"host\":\"h\",\"key\":\"b\",\"value\":\"1\"},{\"key\":\"no host\",\"value\":\"1\"}]}";

        assertThat(exchange(frame(0x01, json.getBytes(StandardCharsets.UTF_8), 0)))
                .contains("\"info\":\"processed: 1; failed: 2; total: 3;");
        assertThat(event("values_refused")).isEqualTo(2);
    }

    @Test
    void answersFailedWhatIsNotSenderData() throws Exception {
        start(config(), ScriptedAcknowledgingEmitter.acknowledgingAtOnce());

        assertThat(exchange(frame(0x01, "{\"request\":\"active checks\"}".getBytes(StandardCharsets.UTF_8), 0)))
                .isEqualTo("{\"response\":\"failed\",\"info\":\"unsupported request \\\"active checks\\\"\"}");
    }

    @Test
    void closesWithoutAReplyOnAFrameItRefuses() throws Exception {
        start(config(), ScriptedAcknowledgingEmitter.acknowledgingAtOnce());

        assertThat(exchange("web-01 app.requests 1\n".getBytes(StandardCharsets.US_ASCII))).isNull();
        assertThat(event("requests_malformed")).isEqualTo(1);
    }

    @Test
    void answersFailedWhenTheValuesAreNotDurableInTime() throws Exception {
        start(with(config(), List.of(), 8, Duration.ofSeconds(10), Duration.ofMillis(50)),
                ScriptedAcknowledgingEmitter.holdingReceipts());

        assertThat(exchange(frame(0x01, TWO_ROWS.getBytes(StandardCharsets.UTF_8), 0)))
                .startsWith("{\"response\":\"failed\",\"info\":\"values not stored durably within 50 ms");
        assertThat(event("acknowledgements_timed_out")).isEqualTo(1);
    }

    @Test
    void refusesAClientOutsideAllowed() throws Exception {
        start(with(config(), List.of("10.0.0.0/8", "192.0.2.1"), 8, Duration.ofSeconds(10), Duration.ofSeconds(10)),
                ScriptedAcknowledgingEmitter.acknowledgingAtOnce());

        assertThat(exchange(frame(0x01, TWO_ROWS.getBytes(StandardCharsets.UTF_8), 0))).isNull();
        assertThat(event("connections_refused_not_allowed")).isEqualTo(1);
    }

    @Test
    void closesAConnectionOverTheLimitAsItArrives() throws Exception {
        start(with(config(), List.of(), 1, Duration.ofSeconds(30), Duration.ofSeconds(10)),
                ScriptedAcknowledgingEmitter.acknowledgingAtOnce());

        try (Socket first = new Socket("127.0.0.1", intake.port())) {
            first.getOutputStream().write(new byte[] {'Z'});
            await().until(() -> intake.openConnections() == 1);
            assertThat(exchange(frame(0x01, TWO_ROWS.getBytes(StandardCharsets.UTF_8), 0))).isNull();
        }
        assertThat(event("connections_refused_over_limit")).isEqualTo(1);
    }

    @Test
    void cutsOffAClientThatDoesNotFinishItsRequestInTime() throws Exception {
        start(with(config(), List.of(), 8, Duration.ofMillis(100), Duration.ofSeconds(10)),
                ScriptedAcknowledgingEmitter.acknowledgingAtOnce());
        byte[] request = frame(0x01, TWO_ROWS.getBytes(StandardCharsets.UTF_8), 0);

        try (Socket socket = new Socket("127.0.0.1", intake.port())) {
            socket.getOutputStream().write(request, 0, 20);
            assertThat(socket.getInputStream().read()).isEqualTo(-1);
        }
        assertThat(event("requests_timed_out")).isEqualTo(1);
    }

    @Test
    void saysWhyItCannotListenOnAPortInUse() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            ZabbixIntakeSource second = ZabbixIntakeSource.create(
                    ZabbixIntakeConfig.of("scripts", "127.0.0.1", taken.getLocalPort()));

            org.assertj.core.api.Assertions.assertThatThrownBy(
                            () -> second.listen(ScriptedAcknowledgingEmitter.acknowledgingAtOnce()))
                    .isInstanceOf(dev.concierge.courier.core.spi.SourceException.class)
                    .hasMessageStartingWith("cannot listen on 127.0.0.1:" + taken.getLocalPort());
            assertThat(second.port()).isEqualTo(-1);
            second.close();
        }
    }

    @Test
    void theRealZabbixSenderPrintsAndExitsAsAgainstAServer() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(new java.io.File("/usr/bin/zabbix_sender").canExecute(),
                "zabbix_sender is installed (apt-get install zabbix-agent)");
        ScriptedAcknowledgingEmitter out = ScriptedAcknowledgingEmitter.acknowledgingAtOnce();
        start(config(), out);

        ProcessResult single = ProcessResult.run("/usr/bin/zabbix_sender", "-z", "127.0.0.1", "-p",
                String.valueOf(intake.port()), "-s", "web-01", "-k", "container.state", "-o", "1");
        ProcessResult tooLong = ProcessResult.run("/usr/bin/zabbix_sender", "-z", "127.0.0.1", "-p",
                String.valueOf(intake.port()), "-s", "h".repeat(129), "-k", "k", "-o", "1");

        assertThat(single.exitCode()).isZero();
        assertThat(single.output()).contains("processed: 1; failed: 0; total: 1").contains("sent: 1; skipped: 0; total: 1");
        assertThat(tooLong.exitCode()).isEqualTo(2);
        assertThat(tooLong.output()).contains("processed: 0; failed: 1; total: 1");
        assertThat(out.offered).extracting(Sample::host, Sample::name).containsExactly(
                org.assertj.core.groups.Tuple.tuple("web-01", "container.state"));
    }

    /** A child process's merged output and exit code. */
    record ProcessResult(int exitCode, String output) {
        static ProcessResult run(String... command) throws IOException, InterruptedException {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            ByteArrayOutputStream output = new ByteArrayOutputStream();
            process.getInputStream().transferTo(output);
            return new ProcessResult(process.waitFor(), output.toString(StandardCharsets.UTF_8));
        }
    }
}
