package dev.concierge.courier.sources.prometheus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.concierge.courier.core.model.MetricType;
import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.testing.RealNginx;
import dev.concierge.courier.sources.RecordingEmitter;
import dev.concierge.courier.sources.fetch.DocumentFetcher;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Negotiation against real exporters behind a real nginx whose access log shows what the courier sent: Prometheus
 * 3's {@code Accept} header and gzip go out. The real Prometheus (Debian's 2.42, its own {@code /metrics}) does
 * not offer OpenMetrics on that endpoint and answers text 0.0.4; the Python client answers OpenMetrics, and, through
 * an nginx location that forces {@code Accept: text/plain;version=0.0.4}, text. The source reads each answer as its
 * Content-Type says.
 */
class PrometheusNegotiationRealPeerTest {
    @TempDir
    static Path dir;
    private static Process prometheus;
    private static Process python;
    private static RealNginx nginx;

    @BeforeAll
    static void startPeers() throws Exception {
        int port = freePort();
        Path config = Files.writeString(dir.resolve("prometheus.yml"), "global:\n  scrape_interval: 1h\nscrape_configs: []\n");
        try {
            prometheus = new ProcessBuilder("/usr/bin/prometheus", "--web.listen-address=127.0.0.1:" + port,
                    "--storage.tsdb.path=" + dir.resolve("tsdb"), "--config.file=" + config).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("prometheus.log").toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException("prometheus did not start; run scripts/install-test-deps.sh", e);
        }
        URI metrics = URI.create("http://127.0.0.1:" + port + "/metrics");
        HttpClient client = HttpClient.newHttpClient();
        Awaitility.await(metrics + " answers").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .ignoreExceptions().until(() -> client.send(HttpRequest.newBuilder(metrics).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
        Path script = dir.resolve("python_exporter.py");
        try (var in = PrometheusNegotiationRealPeerTest.class.getResourceAsStream("python_exporter.py")) {
            Files.copy(in, script);
        }
        // Debian's python3, which has python3-prometheus-client
        python = new ProcessBuilder("/usr/bin/python3", script.toString())
                .redirectError(dir.resolve("python.log").toFile()).start();
        String pythonPort = new java.io.BufferedReader(new java.io.InputStreamReader(python.getInputStream(),
                java.nio.charset.StandardCharsets.US_ASCII)).readLine();
        assertThat(pythonPort).as("the Python exporter's port; see %s", dir.resolve("python.log")).isNotNull();
        nginx = RealNginx.start(Files.createDirectories(dir.resolve("nginx")), 1, """
                server {
                    listen 127.0.0.1:%%PORT0%%;
                    location = /prometheus { proxy_pass %1$s; }
                    location = /python { proxy_pass http://127.0.0.1:%2$s/metrics; }
                    location = /python-text {
                        proxy_set_header Accept "text/plain;version=0.0.4";
                        proxy_pass http://127.0.0.1:%2$s/metrics;
                    }
                }
                """.formatted(metrics, pythonPort.strip()));
    }

    @AfterAll
    static void stopPeers() throws InterruptedException {
        if (nginx != null) {
            nginx.close();
        }
        if (python != null) {
            python.destroy();
            if (!python.waitFor(10, TimeUnit.SECONDS)) {
                python.destroyForcibly();
            }
        }
        if (prometheus != null) {
            prometheus.destroy();
            if (!prometheus.waitFor(10, TimeUnit.SECONDS)) {
                prometheus.destroyForcibly();
            }
        }
    }

    private static PrometheusConfig config(String path) {
        return PrometheusConfig.of("prometheus", URI.create("http://127.0.0.1:" + nginx.port(0) + path))
                .withHost("prometheus-host");
    }

    @Test
    void sendsPrometheus3sAcceptToTheRealPrometheusAndReadsItsTextAnswerAsText() throws Exception {
        try (DocumentFetcher fetcher = PrometheusScrapeSource.fetcherFor(config("/prometheus"))) {
            assertThat(fetcher.fetchDocument().contentType()).startsWith("text/plain; version=0.0.4");
        }
        assertThat(nginx.accessLog()).anySatisfy(line -> assertThat(line)
                .isEqualTo("GET /prometheus HTTP/1.1|" + PrometheusNegotiation.ACCEPT + "|gzip|auth:no"));

        RecordingEmitter emitter = new RecordingEmitter();
        try (PrometheusScrapeSource source = PrometheusScrapeSource.create(config("/prometheus"))) {
            source.collect(emitter);
            assertThat(source.malformedLines()).isZero();
            assertThat(source.fallbackProtocolUsed()).isZero();
        }
        assertThat(emitter.samples()).hasSizeGreaterThan(100)
                .filteredOn(s -> s.name().equals("prometheus_http_requests_total"))
                .isNotEmpty().extracting(Sample::type).containsOnly(MetricType.COUNTER);
    }

    @Test
    void readsAnOpenMetricsAnswerAsOpenMetricsAndATextAnswerAsText() throws Exception {
        try (DocumentFetcher fetcher = PrometheusScrapeSource.fetcherFor(config("/python"))) {
            assertThat(fetcher.fetchDocument().contentType()).startsWith("application/openmetrics-text; version=0.0.1");
        }
        assertThat(nginx.accessLog()).anySatisfy(line -> assertThat(line)
                .isEqualTo("GET /python HTTP/1.1|" + PrometheusNegotiation.ACCEPT + "|gzip|auth:no"));
        RecordingEmitter openMetrics = new RecordingEmitter();
        try (PrometheusScrapeSource source = PrometheusScrapeSource.create(config("/python"))) {
            source.collect(openMetrics);
            assertThat(source.malformedLines()).isZero();
        }
        // An OpenMetrics counter family is named without _total and its sample with it; only an OpenMetrics
        // reading types the sample as a counter. _created samples are left out of an OpenMetrics reading.
        assertThat(openMetrics.samples()).filteredOn(s -> s.name().equals("courier_jobs_total"))
                .hasSize(2).extracting(Sample::type).containsOnly(MetricType.COUNTER);
        assertThat(openMetrics.samples()).noneSatisfy(s -> assertThat(s.name()).endsWith("_created"));

        try (DocumentFetcher fetcher = PrometheusScrapeSource.fetcherFor(config("/python-text"))) {
            assertThat(fetcher.fetchDocument().contentType()).startsWith("text/plain; version=0.0.4");
        }
        RecordingEmitter text = new RecordingEmitter();
        try (PrometheusScrapeSource source = PrometheusScrapeSource.create(config("/python-text"))) {
            source.collect(text);
            assertThat(source.malformedLines()).isZero();
        }
        // The Python client's text exposition writes _created as series of their own; a text reading keeps them.
        assertThat(text.samples()).anySatisfy(s -> assertThat(s.name()).isEqualTo("courier_jobs_created"));
        assertThat(text.samples()).filteredOn(s -> s.name().equals("courier_jobs_total"))
                .hasSize(2).extracting(Sample::type).containsOnly(MetricType.COUNTER);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
