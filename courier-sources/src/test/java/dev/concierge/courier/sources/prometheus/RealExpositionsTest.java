package dev.concierge.courier.sources.prometheus;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.concierge.courier.core.model.Labels;
import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.model.SampleValue;
import dev.concierge.courier.sources.RecordingEmitter;
import dev.concierge.courier.sources.fetch.DocumentFetcher;
import dev.concierge.courier.sources.fetch.FetchedDocument;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real expositions, scraped live on loopback: the node exporter (text 0.0.4), Prometheus's own /metrics
 * (text 0.0.4, gzip) and the Python client (OpenMetrics 1.0). Each body is parsed by our parser and by the
 * Python client's parser on the very same bytes, and the two must agree series by series.
 */
class RealExpositionsTest {
    private static final String PYTHON = "/usr/bin/python3"; // Debian's, which has python3-prometheus-client
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<Process> PROCESSES = new ArrayList<>();

    @TempDir
    static Path dir;

    private static URI nodeExporter;
    private static URI prometheus;
    private static URI pythonExporter;

    @BeforeAll
    static void startExporters() throws Exception {
        int nodePort = freePort();
        start(List.of("/usr/bin/prometheus-node-exporter", "--web.listen-address=127.0.0.1:" + nodePort,
                "--no-collector.systemd"), dir.resolve("node-exporter.log"));
        nodeExporter = URI.create("http://127.0.0.1:" + nodePort + "/metrics");

        int prometheusPort = freePort();
        Path config = Files.writeString(dir.resolve("prometheus.yml"), "global:\n  scrape_interval: 1h\nscrape_configs: []\n");
        start(List.of("/usr/bin/prometheus", "--web.listen-address=127.0.0.1:" + prometheusPort,
                "--storage.tsdb.path=" + dir.resolve("tsdb"), "--config.file=" + config), dir.resolve("prometheus.log"));
        prometheus = URI.create("http://127.0.0.1:" + prometheusPort + "/metrics");

        Path script = resource("python_exporter.py");
        Process python = new ProcessBuilder(PYTHON, script.toString()).redirectError(dir.resolve("python.log").toFile())
                .start();
        PROCESSES.add(python);
        String port = new BufferedReader(new InputStreamReader(python.getInputStream(), StandardCharsets.US_ASCII)).readLine();
        assertThat(port).as("the Python exporter's port; see %s", dir.resolve("python.log")).isNotNull();
        pythonExporter = URI.create("http://127.0.0.1:" + port.strip() + "/metrics");

        HttpClient client = HttpClient.newHttpClient();
        for (URI url : List.of(nodeExporter, prometheus, pythonExporter)) {
            Awaitility.await(url + " answers").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                    .ignoreExceptions()
                    .until(() -> client.send(HttpRequest.newBuilder(url).build(), HttpResponse.BodyHandlers.discarding())
                            .statusCode() == 200);
        }
    }

    @AfterAll
    static void stopExporters() throws InterruptedException {
        for (Process process : PROCESSES) {
            process.destroy();
        }
        for (Process process : PROCESSES) {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    @Test
    void nodeExporterSeriesMatchThePythonParser() throws Exception {
        FetchedDocument document = scrape(nodeExporter);

        assertThat(PrometheusFormat.ofContentType(document.contentType())).isEqualTo(PrometheusFormat.TEXT_0_0_4);
        List<String> ours = assertAgreesWithPython(document);
        assertThat(ours).hasSizeGreaterThan(300).anySatisfy(s -> assertThat(s).startsWith("node_cpu_seconds_total{"));
    }

    @Test
    void prometheusGzippedSeriesMatchThePythonParser() throws Exception {
        HttpResponse<Void> raw = HttpClient.newHttpClient().send(HttpRequest.newBuilder(prometheus)
                .header("Accept", PrometheusFormat.ACCEPT).header("Accept-Encoding", "gzip").build(),
                HttpResponse.BodyHandlers.discarding());
        assertThat(raw.headers().firstValue("Content-Encoding")).as("Prometheus compresses when asked").hasValue("gzip");

        List<String> ours = assertAgreesWithPython(scrape(prometheus));

        assertThat(ours).anySatisfy(s -> assertThat(s).startsWith("prometheus_http_request_duration_seconds_bucket{"));
    }

    @Test
    void pythonClientOpenMetricsSeriesMatchThePythonParser() throws Exception {
        FetchedDocument document = scrape(pythonExporter);

        assertThat(PrometheusFormat.ofContentType(document.contentType())).isEqualTo(PrometheusFormat.OPENMETRICS_1_0);
        List<String> ours = assertAgreesWithPython(document);
        assertThat(ours).contains("courier_jobs_total{queue=a,b} 3.0",
                "courier_jobs_total{queue=quote\" back\\ newline\n ]end} 1.5",
                "courier_latency_seconds_bucket{le=0.005, path=/x} 1.0", "courier_build_info{version=1.2.3} 1.0",
                "courier_state{courier_state=up} 1.0", "courier_not_a_number{} NaN");
    }

    @Test
    void sourceOffersEveryFiniteSeriesOfTheNodeExporter() throws Exception {
        PrometheusConfig config = PrometheusConfig.of("node", nodeExporter).withHost("web-01");
        RecordingEmitter emitter = new RecordingEmitter();

        try (PrometheusScrapeSource source = PrometheusScrapeSource.create(config)) {
            source.collect(emitter);

            assertThat(source.malformedLines()).isZero();
            assertThat(emitter.samples()).hasSizeGreaterThan(300).allSatisfy(s -> {
                assertThat(s.host()).isEqualTo("web-01");
                assertThat(s.source()).isEqualTo("node");
                assertThat(s.value().isNumeric()).isTrue();
            });
        }
    }

    /** Parses with both parsers; returns ours, rendered, after asserting they are equal. */
    private static List<String> assertAgreesWithPython(FetchedDocument document) throws Exception {
        PrometheusFormat format = PrometheusFormat.ofContentType(document.contentType());
        PrometheusParseResult parsed = new PrometheusTextParser(PrometheusTextParser.DEFAULT_MAX_LINE_LENGTH, true)
                .parse(document.body(), format, Instant.now(), "h", "s");
        assertThat(parsed.problems()).isEmpty();
        List<String> ours = parsed.samples().stream().map(RealExpositionsTest::series).sorted().toList();
        List<String> theirs = pythonSeries(document.body(), format).stream().sorted().toList();
        assertThat(ours).containsExactlyElementsOf(theirs);
        return ours;
    }

    private static FetchedDocument scrape(URI url) throws Exception {
        try (DocumentFetcher fetcher = PrometheusScrapeSource.fetcherFor(PrometheusConfig.of("t", url))) {
            return fetcher.fetchDocument();
        }
    }

    private static String series(Sample sample) {
        double value = sample.value() instanceof SampleValue.Integer i ? i.value() : ((SampleValue.Decimal) sample.value()).value();
        return sample.name() + sample.labels() + " " + value;
    }

    /**
     * The Python parser's view, normalised by our two documented rules: empty label values are absent, and
     * integer {@code le}/{@code quantile} values take the canonical {@code .0}.
     */
    private static List<String> pythonSeries(byte[] body, PrometheusFormat format) throws Exception {
        Process python = new ProcessBuilder(PYTHON, resource("python_parse.py").toString(),
                format == PrometheusFormat.OPENMETRICS_1_0 ? "openmetrics" : "text")
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try (OutputStream in = python.getOutputStream()) {
            in.write(body);
        }
        List<String> series = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(python.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                JsonNode sample = JSON.readTree(line);
                Map<String, String> labels = new TreeMap<>();
                sample.get(1).fields().forEachRemaining(e -> {
                    String value = e.getValue().asText();
                    if ((e.getKey().equals("le") || e.getKey().equals("quantile")) && value.matches("[+-]?\\d+")) {
                        value = value + ".0";
                    }
                    if (!value.isEmpty()) {
                        labels.put(e.getKey(), value);
                    }
                });
                double value = switch (sample.get(2).asText()) {
                    case "nan" -> Double.NaN;
                    case "inf" -> Double.POSITIVE_INFINITY;
                    case "-inf" -> Double.NEGATIVE_INFINITY;
                    default -> Double.parseDouble(sample.get(2).asText());
                };
                series.add(sample.get(0).asText() + Labels.of(labels) + " " + value);
            }
        }
        assertThat(python.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(python.exitValue()).as("python parser exit code").isZero();
        return series;
    }

    private static Path resource(String name) throws IOException {
        Path file = dir.resolve(name);
        if (!Files.exists(file)) {
            try (InputStream in = RealExpositionsTest.class.getResourceAsStream(name)) {
                Files.copy(in, file);
            }
        }
        return file;
    }

    private static void start(List<String> command, Path log) {
        try {
            PROCESSES.add(new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start());
        } catch (IOException e) {
            throw new UncheckedIOException(command.get(0) + " did not start; run scripts/install-test-deps.sh", e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
