package dev.concierge.courier.sources.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.concierge.courier.core.spi.SourceException;
import dev.concierge.courier.sources.LoopbackHttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.GZIPOutputStream;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HttpFetcherTest {
    private static final long CAP = 16L << 20;
    private static final long FIFTY_MB = 50_000_000L;

    private final CountDownLatch release = new CountDownLatch(1);
    private LoopbackHttpServer server;

    @AfterEach
    void stopServer() {
        release.countDown();
        if (server != null) {
            server.close();
        }
    }

    @Test
    void fetchesWholeBodyAndAsksForJson() throws Exception {
        AtomicReference<String> accept = new AtomicReference<>();
        server = LoopbackHttpServer.start("/metrics", exchange -> {
            accept.set(exchange.getRequestHeaders().getFirst("Accept"));
            byte[] body = "{\"counters\":{}}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });

        try (HttpFetcher fetcher = HttpFetcher.create(server.uri("/metrics"), Duration.ofSeconds(5), CAP)) {
            assertThat(new String(fetcher.fetch(), StandardCharsets.UTF_8)).isEqualTo("{\"counters\":{}}");
        }
        assertThat(accept.get()).isEqualTo("application/json");
    }

    @Test
    void fetchesChunkedBodyLargerThanOneBuffer() throws Exception {
        byte[] body = new byte[300_000];
        Arrays.fill(body, (byte) ' ');
        server = LoopbackHttpServer.start("/metrics", exchange -> {
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });

        byte[] fetched = HttpFetcher.create(server.uri("/metrics"), Duration.ofSeconds(5), CAP).fetch();

        assertThat(fetched).hasSize(body.length);
    }

    @Test
    void acceptsBodyOfExactlyTheCap() throws Exception {
        server = LoopbackHttpServer.start("/metrics", exchange -> {
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(new byte[1024]);
            }
        });

        assertThat(HttpFetcher.create(server.uri("/metrics"), Duration.ofSeconds(5), 1024).fetch()).hasSize(1024);
    }

    @Test
    void abandonsChunkedBodyAsSoonAsItCrossesTheCap() {
        AtomicLong written = new AtomicLong();
        CountDownLatch handlerDone = new CountDownLatch(1);
        server = LoopbackHttpServer.start("/metrics", exchange -> {
            try (OutputStream out = exchange.getResponseBody()) {
                exchange.sendResponseHeaders(200, 0);
                byte[] chunk = new byte[64 * 1024];
                Arrays.fill(chunk, (byte) ' ');
                while (written.get() < FIFTY_MB) {
                    out.write(chunk);
                    written.addAndGet(chunk.length);
                }
            } catch (IOException expected) {
                // the client hung up
            } finally {
                handlerDone.countDown();
            }
        });
        URI url = server.uri("/metrics");

        assertThatThrownBy(() -> HttpFetcher.create(url, Duration.ofSeconds(20), CAP).fetch())
                .isInstanceOf(SourceException.class)
                .hasMessage(url + ": body exceeds 16MiB cap");

        awaitQuietly(handlerDone);
        // What the server got rid of: the cap, plus what loopback socket buffers absorbed (a few MiB).
        assertThat(written.get()).isLessThan(CAP + (16L << 20));
    }

    @Test
    void refusesOversizedContentLengthBeforeReadingTheBody() {
        server = LoopbackHttpServer.start("/metrics", exchange -> {
            try (OutputStream out = exchange.getResponseBody()) {
                exchange.sendResponseHeaders(200, FIFTY_MB);
                out.write(new byte[1024]);
                out.flush(); // JDK 25's server buffers the headers until a flush
                awaitQuietly(release);
            }
        });
        URI url = server.uri("/metrics");

        // The server never finishes the body: only a refusal on the header can end this before the timeout.
        assertThatThrownBy(() -> HttpFetcher.create(url, Duration.ofSeconds(20), CAP).fetch())
                .isInstanceOf(SourceException.class)
                .hasMessage(url + ": body exceeds 16MiB cap (Content-Length: 50000000)");
    }

    @Test
    void timesOutWhenServerAcceptsAndNeverAnswers() {
        server = LoopbackHttpServer.start("/metrics", exchange -> awaitQuietly(release));
        URI url = server.uri("/metrics");

        long start = System.nanoTime();
        assertThatThrownBy(() -> HttpFetcher.create(url, Duration.ofMillis(300), CAP).fetch())
                .isInstanceOf(SourceException.class)
                .hasMessage(url + ": timed out after 300ms");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void timesOutWhenBodyStallsAfterHeaders() {
        server = LoopbackHttpServer.start("/metrics", exchange -> {
            exchange.sendResponseHeaders(200, 0);
            OutputStream out = exchange.getResponseBody();
            out.write("{\"gauges\":".getBytes(StandardCharsets.UTF_8));
            out.flush();
            awaitQuietly(release);
        });
        URI url = server.uri("/metrics");

        assertThatThrownBy(() -> HttpFetcher.create(url, Duration.ofMillis(300), CAP).fetch())
                .isInstanceOf(SourceException.class)
                .hasMessage(url + ": timed out after 300ms");
    }

    @Test
    void reportsStatusOutside2xxWithTheUrl() {
        server = LoopbackHttpServer.start("/metrics", exchange -> {
            byte[] body = "oops".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(500, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        URI url = server.uri("/metrics");

        assertThatThrownBy(() -> HttpFetcher.create(url, Duration.ofSeconds(5), CAP).fetch())
                .isInstanceOf(SourceException.class)
                .hasMessage(url + ": HTTP status 500 (expected: 2xx)");
    }

    @Test
    void reportsConnectionRefused() throws IOException {
        URI url;
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            url = URI.create("http://127.0.0.1:" + closed.getLocalPort() + "/metrics");
        }

        assertThatThrownBy(() -> HttpFetcher.create(url, Duration.ofSeconds(5), CAP).fetch())
                .isInstanceOf(SourceException.class)
                .hasMessage(url + ": connection refused");
    }

    /**
     * TLS is set up on first use, and then it is the JVM's default: a server whose certificate no CA in the
     * default trust store signed is refused for that reason.
     */
    @Test
    void checksAnHttpsServerAgainstTheDefaultTrustStore(@TempDir Path dir) throws Exception {
        Path keyStore = dir.resolve("server.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-keystore", keyStore.toString(), "-storetype", "PKCS12", "-storepass", "changeit",
                "-keypass", "changeit", "-alias", "server", "-keyalg", "EC", "-dname", "CN=localhost",
                "-validity", "2").redirectErrorStream(true).start();
        keytool.getInputStream().transferTo(OutputStream.nullOutputStream());
        assertThat(keytool.waitFor()).isZero();
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStore)) {
            store.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, "changeit".toCharArray());
        SSLContext serverTls = SSLContext.getInstance("TLS");
        serverTls.init(keys.getKeyManagers(), null, null);
        HttpsServer https = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        https.setHttpsConfigurator(new HttpsConfigurator(serverTls));
        AtomicLong requests = new AtomicLong();
        https.createContext("/metrics", exchange -> {
            requests.incrementAndGet();
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        https.start();
        try {
            URI url = URI.create("https://localhost:" + https.getAddress().getPort() + "/metrics");

            assertThatThrownBy(() -> HttpFetcher.create(url, Duration.ofSeconds(5), CAP).fetch())
                    .isInstanceOf(SourceException.class)
                    .hasStackTraceContaining("unable to find valid certification path");
            assertThat(requests).hasValue(0);
        } finally {
            https.stop(0);
        }
    }

    @Test
    void rejectsNonHttpUrlAndBadLimitsAtConstruction() {
        assertThatThrownBy(() -> HttpFetcher.create(URI.create("ftp://x/metrics"), Duration.ofSeconds(1), CAP))
                .hasMessage("url: ftp://x/metrics (expected: an http or https URL)");
        assertThatThrownBy(() -> HttpFetcher.create(URI.create("http://x/"), Duration.ZERO, CAP))
                .hasMessage("timeout: 0s (expected: > 0)");
        assertThatThrownBy(() -> HttpFetcher.create(URI.create("http://x/"), Duration.ofSeconds(1), 0))
                .hasMessageStartingWith("maxBytes: 0 (expected: 1..");
    }

    @Test
    void sendsTheGivenAcceptAndGzipHeadersAndReturnsTheContentType() throws Exception {
        AtomicReference<String> accept = new AtomicReference<>();
        AtomicReference<String> encoding = new AtomicReference<>();
        server = LoopbackHttpServer.start("/metrics", exchange -> {
            accept.set(exchange.getRequestHeaders().getFirst("Accept"));
            encoding.set(exchange.getRequestHeaders().getFirst("Accept-Encoding"));
            exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4");
            byte[] body = "a 1\n".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });

        FetchedDocument document = HttpFetcher.create(server.uri("/metrics"), Duration.ofSeconds(5), CAP, "text/plain",
                true).fetchDocument();

        assertThat(accept.get()).isEqualTo("text/plain");
        assertThat(encoding.get()).isEqualTo("gzip");
        assertThat(document.contentType()).isEqualTo("text/plain; version=0.0.4");
        assertThat(new String(document.body(), StandardCharsets.UTF_8)).isEqualTo("a 1\n");
    }

    @Test
    void decompressesAGzipBody() throws Exception {
        byte[] plain = "metric 1\n".repeat(10_000).getBytes(StandardCharsets.UTF_8);
        server = serving(gzip(plain), "gzip");

        byte[] fetched = HttpFetcher.create(server.uri("/metrics"), Duration.ofSeconds(5), CAP, "*/*", true).fetch();

        assertThat(fetched).isEqualTo(plain);
    }

    @Test
    void refusesAGzipBombOnceTheDecompressedBytesCrossTheCap() throws Exception {
        byte[] bomb = gzip(new byte[64 << 20]); // 64 MiB of zeros in about 64 KiB
        server = serving(bomb, "gzip");
        URI url = server.uri("/metrics");

        assertThatThrownBy(() -> HttpFetcher.create(url, Duration.ofSeconds(20), 1 << 20, "*/*", true).fetch())
                .isInstanceOf(SourceException.class)
                .hasMessage(url + ": body exceeds 1MiB cap after gzip decompression (" + bomb.length + " bytes compressed)");
    }

    @Test
    void reportsATruncatedGzipBody() throws Exception {
        byte[] whole = gzip("metric 1\n".repeat(1000).getBytes(StandardCharsets.UTF_8));
        server = serving(Arrays.copyOf(whole, whole.length / 2), "gzip");
        URI url = server.uri("/metrics");

        assertThatThrownBy(() -> HttpFetcher.create(url, Duration.ofSeconds(5), CAP, "*/*", true).fetch())
                .isInstanceOf(SourceException.class)
                .hasMessage(url + ": gzip body is truncated");
    }

    @Test
    void refusesAnEncodingItDoesNotKnow() {
        server = serving(new byte[10], "br");
        URI url = server.uri("/metrics");

        assertThatThrownBy(() -> HttpFetcher.create(url, Duration.ofSeconds(5), CAP, "*/*", true).fetch())
                .isInstanceOf(SourceException.class)
                .hasMessage(url + ": Content-Encoding br (expected: gzip or none)");
    }

    private static LoopbackHttpServer serving(byte[] body, String contentEncoding) {
        return LoopbackHttpServer.start("/metrics", exchange -> {
            exchange.getResponseHeaders().set("Content-Encoding", contentEncoding);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
    }

    private static byte[] gzip(byte[] plain) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            gzip.write(plain);
        }
        return out.toByteArray();
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
