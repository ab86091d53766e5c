package dev.concierge.courier.sinks.http;

import dev.concierge.courier.core.settings.DurationSyntax;
import dev.concierge.courier.core.spi.Batch;
import dev.concierge.courier.core.spi.ConnectProbe;
import dev.concierge.courier.core.spi.CountsEvents;
import dev.concierge.courier.core.spi.DeliveryOutcome;
import dev.concierge.courier.core.spi.ProbesDestination;
import dev.concierge.courier.core.spi.SecretMask;
import dev.concierge.courier.core.spi.Sink;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import java.util.zip.GZIPOutputStream;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * POSTs each batch to one URL as JSON or InfluxDB line protocol, on the JDK HTTP client.
 *
 * <p><b>Requests.</b> One batch is one POST with {@code Content-Type} from the format, {@code Content-Encoding:
 * gzip} when configured, the configured headers and {@code Authorization}. HTTP/1.1 with keep-alive; redirects
 * are not followed (a redirected POST would lose its body on 301/302). Non-finite decimals are skipped, since
 * neither format can carry them, and counted as rejected in the outcome and in {@link #nonFiniteSkipped()}.
 *
 * <p><b>Outcome of a batch</b> (see {@link HttpOutcomes#ofResponse}): 2xx is Delivered with the status as
 * detail; 408, 429 and 5xx are Retry, carrying the server's {@code Retry-After} (seconds or HTTP-date) for the
 * pipeline to honour; other statuses are Rejected with the status and the start of the body; a refused or
 * timed-out connection, a reset, a TLS failure or no complete response within the read timeout is Retry.
 * Retries and rejections log one WARN line naming the endpoint and the cause; deliveries log at DEBUG.
 *
 * <p><b>Threads.</b> {@link #send} encodes (and compresses) on the caller's thread and does not block: the
 * client's selector thread does the I/O and the sink's two daemon threads complete the stages. Each batch is
 * one request, so the pipeline's limit of {@link #maxInFlight()} outstanding batches bounds the requests in
 * flight and the connections in the client's pool. The returned stage always completes normally, at the
 * latest after the connect timeout plus the read timeout.
 *
 * <p><b>Secrets.</b> Credentials and header values are never logged; the endpoint is logged with query
 * values other than {@code db} and {@code precision} masked, as InfluxDB accepts {@code p=} there.
 */
public final class HttpSink implements Sink, CountsEvents, ProbesDestination {
    private static final Logger LOG = LoggerFactory.getLogger(HttpSink.class);

    /** Of an error response, this much is read into memory; the rest is read and thrown away. */
    static final int BODY_BYTES_KEPT = 1024;
    static final String USER_AGENT = "concierge-courier";

    private final HttpSinkConfig config;
    private final HttpBodyEncoder encoder;
    private final Clock clock;
    private final ExecutorService executor;
    private final HttpClient client;
    private final String endpoint;
    private final SecretMask secrets;
    private final LongAdder nonFiniteSkipped = new LongAdder();
    private volatile boolean closed;

    private HttpSink(HttpSinkConfig config, Clock clock) {
        this.config = config;
        this.encoder = HttpBodyEncoder.of(config.format(), config.nameEscaping());
        this.clock = clock;
        this.endpoint = config.endpoint();
        this.secrets = secretsOf(config);
        SSLContext ssl = sslContext(config);
        AtomicInteger threads = new AtomicInteger();
        this.executor = Executors.newFixedThreadPool(2, task -> {
            Thread t = new Thread(task, "http-sink-" + config.name() + "-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        HttpClient.Builder builder = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(config.connectTimeout())
                .sslContext(ssl)
                .executor(executor);
        if (config.tls() != null) {
            builder.sslParameters(config.tls().sslParameters());
        }
        this.client = builder.build();
    }

    /**
     * A sink with its own client; nothing is connected until the first {@link #send}.
     *
     * @throws IllegalArgumentException when the configured trust store cannot be opened
     */
    public static HttpSink create(HttpSinkConfig config) {
        return create(config, Clock.systemUTC());
    }

    /** As {@link #create(HttpSinkConfig)}, reading {@code Retry-After} dates against {@code clock}. */
    public static HttpSink create(HttpSinkConfig config, Clock clock) {
        HttpSink sink = new HttpSink(config, clock);
        LOG.info("HTTP sink {}: POST {} as {}{}, {} samples per request, {} in flight, auth {}, trust {}, "
                        + "connect timeout {}, read timeout {}", config.name(), sink.endpoint,
                config.format().configName(), config.gzip() ? " gzip" : "", config.maxBatchSize(),
                config.maxInFlight(), authKind(config.auth()),
                config.tls() != null ? config.tls() : config.trustStore() == null ? "JVM default"
                        : config.trustStore().path(),
                DurationSyntax.format(config.connectTimeout()),
                DurationSyntax.format(config.readTimeout()));
        return sink;
    }

    @Override
    public String name() {
        return config.name();
    }

    @Override
    public int maxBatchSize() {
        return config.maxBatchSize();
    }

    @Override
    public int maxInFlight() {
        return config.maxInFlight();
    }

    @Override
    public Map<String, LongSupplier> events() {
        return Map.of("non_finite_skipped", this::nonFiniteSkipped);
    }

    /** Non-finite decimals skipped since the sink was created. */
    public long nonFiniteSkipped() {
        return nonFiniteSkipped.sum();
    }

    @Override
    public CompletionStage<DeliveryOutcome> send(Batch batch) {
        if (closed) {
            return CompletableFuture.completedFuture(DeliveryOutcome.Retry.of("sink " + config.name() + " is closed"));
        }
        HttpBodyEncoder.EncodedBody body = encoder.encode(batch.samples());
        if (body.skipped() > 0) {
            nonFiniteSkipped.add(body.skipped());
            LOG.debug("HTTP sink {}: batch {} skips {} non-finite values", config.name(), batch.id(), body.skipped());
        }
        if (body.written() == 0) {
            return CompletableFuture.completedFuture(new DeliveryOutcome.PartiallyRejected(0, body.skipped(),
                    "all " + body.skipped() + " values non-finite, none sent"));
        }
        HttpRequest request = request(config.gzip() ? gzip(body.bytes()) : body.bytes());
        CompletableFuture<DeliveryOutcome> result = new CompletableFuture<>();
        AtomicReference<HttpBodySnippet> snippet = new AtomicReference<>();
        CompletableFuture<HttpResponse<String>> exchange;
        try {
            exchange = client.sendAsync(request, info -> {
                HttpBodySnippet s = new HttpBodySnippet(BODY_BYTES_KEPT);
                snippet.set(s);
                return s;
            });
        } catch (RuntimeException e) {
            // The client refuses work once its executor is shut down.
            return CompletableFuture.completedFuture(HttpOutcomes.ofFailure(e));
        }
        exchange.whenComplete((response, failure) -> result.complete(failure != null
                ? HttpOutcomes.ofFailure(failure)
                : HttpOutcomes.ofResponse(response.statusCode(), response.headers().firstValue("Retry-After")
                .orElse(null), maskedBody(response.body(), snippet.get()), clock.instant(), body.written(),
                body.skipped())));
        // The client's request timeout ends when the headers arrive; this bounds the body as well.
        Duration deadline = config.connectTimeout().plus(config.readTimeout());
        CompletableFuture.delayedExecutor(deadline.toNanos(), TimeUnit.NANOSECONDS).execute(() -> {
            if (result.complete(DeliveryOutcome.Retry.of("read timeout: no complete response within "
                    + deadline.toMillis() + " ms"))) {
                HttpBodySnippet s = snippet.get();
                if (s != null) {
                    s.cancel();
                }
                exchange.cancel(true);
            }
        });
        return result.thenApply(secrets::apply).whenComplete((outcome, failure) -> log(batch, outcome));
    }

    /** The destination's body with what this sink sent it hidden: an error page may echo the request. */
    private String maskedBody(String body, HttpBodySnippet snippet) {
        return snippet != null && snippet.cut() ? secrets.applyToCut(body) : secrets.apply(body);
    }

    @Override
    public SecretMask secrets() {
        return secrets;
    }

    /**
     * The credentials, the encoded {@code Authorization} value and the trust store password. Custom header values
     * are not {@code Secret}s and stay out: masking a short one ({@code 1}, {@code json}) would mangle the
     * status and the body around it.
     */
    private static SecretMask secretsOf(HttpSinkConfig config) {
        List<String> texts = new ArrayList<>();
        SecretMask mask = SecretMask.none();
        if (config.auth() instanceof HttpAuth.Bearer bearer) {
            mask = SecretMask.of(bearer.token());
        } else if (config.auth() instanceof HttpAuth.Basic basic) {
            mask = SecretMask.of(basic.password());
            String header = basic.authorizationHeader();
            texts.add(header.substring(header.indexOf(' ') + 1));
        }
        if (config.trustStore() != null) {
            mask = mask.and(SecretMask.of(config.trustStore().password()));
        }
        return mask.and(SecretMask.ofTexts(texts));
    }

    private HttpRequest request(byte[] body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(config.url())
                .timeout(config.readTimeout())
                .header("Content-Type", encoder.contentType())
                .header("User-Agent", USER_AGENT)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (config.gzip()) {
            request.header("Content-Encoding", "gzip");
        }
        if (config.auth() != null) {
            request.header("Authorization", config.auth().authorizationHeader());
        }
        for (Map.Entry<String, String> header : config.headers().entrySet()) {
            request.setHeader(header.getKey(), header.getValue());
        }
        return request.build();
    }

    private void log(Batch batch, DeliveryOutcome outcome) {
        // The runner logs what an operator needs (a failure episode once, a refusal for good); these are details.
        if (outcome instanceof DeliveryOutcome.Retry) {
            LOG.debug("HTTP sink {}: {} samples not delivered to {}: {}; they are sent again after the backoff", config.name(), batch.size(), endpoint,
                    outcome.detail());
        } else if (outcome instanceof DeliveryOutcome.Rejected) {
            LOG.debug("HTTP sink {}: {} samples refused by {}: {}; recorded as rejected, not resent", config.name(), batch.size(), endpoint,
                    outcome.detail());
        } else {
            LOG.debug("HTTP sink {}: batch {} of {} samples to {}: {}", config.name(), batch.id(), batch.size(),
                    endpoint, outcome.detail());
        }
    }

    /** RFC 1952 gzip, as {@code Content-Encoding: gzip} means. */
    static byte[] gzip(byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, body.length / 4));
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            gzip.write(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // not from a ByteArrayOutputStream
        }
        return out.toByteArray();
    }

    private static SSLContext sslContext(HttpSinkConfig config) {
        if (config.tls() != null) {
            return config.tls().sslContext();
        }
        if (config.trustStore() != null) {
            return config.trustStore().sslContext();
        }
        try {
            return SSLContext.getDefault();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("no default TLS context in this JVM", e);
        }
    }

    private static String authKind(HttpAuth auth) {
        if (auth instanceof HttpAuth.Basic basic) {
            return "basic as " + basic.user();
        }
        return auth instanceof HttpAuth.Bearer ? "bearer" : "none";
    }

    /**
     * Stops the sink's threads. Idempotent. The JDK 17 client has no close; its selector thread ends once the
     * client is unreachable.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        executor.shutdown();
        LOG.info("HTTP sink {}: closed", config.name());
    }

    /** A TCP connect to the URL's host and port, nothing sent: see {@link ProbesDestination}. */
    @Override
    public CompletionStage<Boolean> probe() {
        int port = config.url().getPort() >= 0 ? config.url().getPort()
                : "https".equalsIgnoreCase(config.url().getScheme()) ? 443 : 80;
        return ConnectProbe.connect(config.url().getHost(), port, config.connectTimeout());
    }

}
