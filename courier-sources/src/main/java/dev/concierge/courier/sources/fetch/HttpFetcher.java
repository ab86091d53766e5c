package dev.concierge.courier.sources.fetch;

import dev.concierge.courier.core.settings.DurationSyntax;
import dev.concierge.courier.core.settings.ByteSize;
import dev.concierge.courier.core.spi.RedactedUrl;
import dev.concierge.courier.core.spi.SecretMask;
import dev.concierge.courier.core.spi.SourceException;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.zip.GZIPInputStream;
import javax.net.ssl.SSLException;

/**
 * An HTTP GET of one URL with a fixed {@code Accept} header ({@code application/json} unless created
 * with another), bounded in time and size.
 *
 * <ul>
 *   <li>Time: {@code timeout} bounds the connect and, separately, the whole exchange from sending the
 *       request to the last body byte. The JDK client's own request timeout stops at the response headers,
 *       so the whole-exchange deadline is enforced here and the exchange is cancelled when it passes.</li>
 *   <li>Size: a Content-Length above the cap is refused before any body byte is read; a body without
 *       one is abandoned as soon as it crosses the cap.</li>
 *   <li>Status: anything outside 2xx is an error naming the status; redirects are followed, except from
 *       https to http.</li>
 *   <li>Compression: created with {@code acceptGzip}, it sends {@code Accept-Encoding: gzip}. A body with
 *       {@code Content-Encoding: gzip} is decompressed whether asked for or not (the JDK client does not
 *       do it), and the size cap applies to the compressed and to the decompressed bytes, so a gzip bomb
 *       is refused after inflating at most the cap plus one byte. A truncated or corrupt gzip body is an
 *       error. Other encodings are refused.</li>
 *   <li>Logging in: created with {@link ScrapeHttpSettings}, it sends their headers and {@code Authorization}
 *       (a credentials file is read on every fetch, so a rotated secret is used from the next fetch on) and
 *       speaks TLS as their {@code tls} block says. A 401 or 403 says whether credentials were sent;
 *       {@link #secrets()} holds every secret sent, for whoever shows what came back.</li>
 * </ul>
 *
 * <p>{@link #close()} does nothing: Java 17's {@code HttpClient} has no close, and its threads are daemons
 * that end once the client is no longer reachable.
 */
public final class HttpFetcher implements DocumentFetcher {
    private final HttpClient client;
    private final URI url;
    /** The URL as messages show it: query values such as {@code ?token=} masked. */
    private final String shownUrl;
    private final Duration timeout;
    private final long maxBytes;
    private final HttpRequest request;
    private final ScrapeHttpSettings http;
    /** The configured secrets plus what the credentials file held at the last fetch; any thread reads it. */
    private volatile SecretMask secrets;
    private static final String JSON = "application/json";

    /**
     * A fetcher with its own client. HTTP/1.1 only: scrape targets are plain HTTP/1.1 servers, and the
     * h2c upgrade headers the JDK client would otherwise send confuse some of them. TLS is set up on the
     * first {@code https} connection only ({@link DefaultTlsOnFirstUse}).
     */
    public static HttpFetcher create(URI url, Duration timeout, long maxBytes) {
        return create(url, timeout, maxBytes, JSON, false);
    }

    /** As {@link #create(URI, Duration, long)}, with {@code http}'s headers, credentials and TLS. */
    public static HttpFetcher create(URI url, Duration timeout, long maxBytes, ScrapeHttpSettings http) {
        return create(url, timeout, maxBytes, JSON, false, http);
    }

    /**
     * A fetcher with its own client that sends {@code accept} as the {@code Accept} header and, when
     * {@code acceptGzip}, {@code Accept-Encoding: gzip}.
     */
    public static HttpFetcher create(URI url, Duration timeout, long maxBytes, String accept, boolean acceptGzip) {
        return create(url, timeout, maxBytes, accept, acceptGzip, ScrapeHttpSettings.NONE);
    }

    /**
     * As {@link #create(URI, Duration, long, String, boolean)}, adding {@code http}'s headers and credentials to
     * every request and speaking TLS as its {@code tls} block says.
     *
     * @throws IllegalArgumentException when a TLS file cannot be read, naming its key and path
     */
    public static HttpFetcher create(URI url, Duration timeout, long maxBytes, String accept, boolean acceptGzip,
                                     ScrapeHttpSettings http) {
        checkArguments(url, timeout, maxBytes);
        HttpClient.Builder builder = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NORMAL);
        if (http.tls() != null) {
            builder.sslContext(http.tls().sslContext()).sslParameters(http.tls().sslParameters());
        } else {
            builder.sslContext(new DefaultTlsOnFirstUse()).sslParameters(DefaultTlsOnFirstUse.parameters());
        }
        return new HttpFetcher(builder.build(), url, timeout, maxBytes, accept, acceptGzip, http);
    }

    /** A fetcher on a client the caller owns (and closes); {@link #close()} leaves it alone. */
    public HttpFetcher(HttpClient client, URI url, Duration timeout, long maxBytes) {
        this(client, url, timeout, maxBytes, JSON, false);
    }

    /** As {@link #create(URI, Duration, long, String, boolean)}, on a client the caller owns. */
    public HttpFetcher(HttpClient client, URI url, Duration timeout, long maxBytes, String accept, boolean acceptGzip) {
        this(client, url, timeout, maxBytes, accept, acceptGzip, ScrapeHttpSettings.NONE);
    }

    /** As {@link #create(URI, Duration, long, String, boolean, ScrapeHttpSettings)}, on a client the caller owns. */
    public HttpFetcher(HttpClient client, URI url, Duration timeout, long maxBytes, String accept, boolean acceptGzip,
                       ScrapeHttpSettings http) {
        this.http = Objects.requireNonNull(http, "http");
        this.secrets = http.inlineSecrets();
        this.client = Objects.requireNonNull(client, "client");
        this.url = Objects.requireNonNull(url, "url");
        this.shownUrl = RedactedUrl.of(url);
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.maxBytes = maxBytes;
        checkArguments(url, timeout, maxBytes);
        HttpRequest.Builder builder = HttpRequest.newBuilder(url)
                .GET()
                .header("Accept", Objects.requireNonNull(accept, "accept"))
                .timeout(timeout);
        if (acceptGzip) {
            builder.header("Accept-Encoding", "gzip");
        }
        http.headers().forEach(builder::setHeader);
        this.request = builder.build();
    }

    private static void checkArguments(URI url, Duration timeout, long maxBytes) {
        String scheme = url.getScheme();
        if (!"http".equalsIgnoreCase(scheme) && !"https".equalsIgnoreCase(scheme)) {
            throw new IllegalArgumentException("url: " + RedactedUrl.of(url) + " (expected: an http or https URL)");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout: " + DurationSyntax.format(timeout) + " (expected: > 0)");
        }
        if (maxBytes < 1 || maxBytes > LARGEST_CAP) {
            throw new IllegalArgumentException("maxBytes: " + maxBytes + " (expected: 1.." + LARGEST_CAP + ")");
        }
    }

    @Override
    public String location() {
        return shownUrl;
    }

    @Override
    public long maxBytes() {
        return maxBytes;
    }

    @Override
    public byte[] fetch() throws SourceException {
        return fetchDocument().body();
    }

    /** The secrets this fetcher sends: the configured ones and what a credentials file held at the last fetch. */
    @Override
    public SecretMask secrets() {
        return secrets;
    }

    /** The request with its {@code Authorization}, a credentials file read now. */
    private HttpRequest request() throws SourceException {
        if (http.credentials() == null) {
            return request;
        }
        HttpCredentials.Revealed revealed;
        try {
            revealed = http.credentials().reveal();
        } catch (IOException e) {
            throw new SourceException(shownUrl + ": " + e.getMessage(), e);
        }
        List<String> sent = new ArrayList<>();
        sent.add(revealed.secret());
        sent.add(revealed.encoded());
        secrets = http.inlineSecrets().and(SecretMask.ofTexts(sent));
        return HttpRequest.newBuilder(request, (name, value) -> true).header("Authorization", revealed.header()).build();
    }

    @Override
    public FetchedDocument fetchDocument() throws SourceException {
        CompletableFuture<HttpResponse<byte[]>> exchange = client.sendAsync(request(), this::subscriberFor);
        HttpResponse<byte[]> response;
        try {
            response = exchange.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            exchange.cancel(true);
            throw new SourceException(shownUrl + ": timed out after " + DurationSyntax.format(timeout), e);
        } catch (InterruptedException e) {
            exchange.cancel(true);
            Thread.currentThread().interrupt();
            throw new SourceException(shownUrl + ": interrupted", e);
        } catch (ExecutionException | CancellationException e) {
            throw failure(e);
        }
        String contentType = response.headers().firstValue("Content-Type").orElse(null);
        String encoding = response.headers().firstValue("Content-Encoding").orElse("identity").strip();
        if (encoding.equalsIgnoreCase("identity") || encoding.isEmpty()) {
            return new FetchedDocument(response.body(), contentType);
        }
        if (encoding.equalsIgnoreCase("gzip") || encoding.equalsIgnoreCase("x-gzip")) {
            return new FetchedDocument(gunzip(response.body()), contentType);
        }
        throw new SourceException(shownUrl + ": Content-Encoding " + encoding + " (expected: gzip or none)");
    }

    /** Inflates at most the cap plus one byte, so a body that inflates beyond the cap costs no more. */
    private byte[] gunzip(byte[] compressed) throws SourceException {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(compressed), 8192)) {
            byte[] body = in.readNBytes((int) Math.min(maxBytes + 1, Integer.MAX_VALUE - 8));
            if (body.length > maxBytes) {
                throw new SourceException(shownUrl + ": body exceeds " + ByteSize.format(maxBytes)
                        + " cap after gzip decompression (" + compressed.length + " bytes compressed)");
            }
            return body;
        } catch (EOFException e) {
            throw new SourceException(shownUrl + ": gzip body is truncated", e);
        } catch (IOException e) {
            throw new SourceException(shownUrl + ": gzip body is corrupt: " + e.getMessage(), e);
        }
    }

    private HttpResponse.BodySubscriber<byte[]> subscriberFor(HttpResponse.ResponseInfo response) {
        int status = response.statusCode();
        if (status < 200 || status > 299) {
            return BoundedBodySubscriber.refusing(new FetchRefusedException("HTTP status " + status + " (expected: 2xx"
                    + statusHint(status) + ")"));
        }
        OptionalLong contentLength = response.headers().firstValueAsLong("Content-Length");
        if (contentLength.isPresent() && contentLength.getAsLong() > maxBytes) {
            return BoundedBodySubscriber.refusing(new FetchRefusedException("body exceeds " + ByteSize.format(maxBytes)
                    + " cap (Content-Length: " + contentLength.getAsLong() + ")"));
        }
        return new BoundedBodySubscriber(maxBytes, contentLength.orElse(-1));
    }

    /** What an operator should know about a refusal that credentials or TLS explain. */
    private String statusHint(int status) {
        if (status == 401) {
            return http.credentials() == null ? "; the endpoint asks for credentials: basic_auth or authorization"
                    : "; the credentials sent (" + http.credentials() + ") were refused";
        }
        if (status == 403) {
            return http.credentials() == null ? "; access denied to a scrape without credentials"
                    : "; access denied to " + http.credentials();
        }
        if (status == 400 && "https".equalsIgnoreCase(url.getScheme())
                && (http.tls() == null || http.tls().certFile() == null)) {
            // nginx answers a missing client certificate (ssl_verify_client on) with 400, not a TLS alert.
            return "; a server that requires a client certificate answers so without one: tls.cert_file, tls.key_file";
        }
        return "";
    }

    private SourceException failure(Exception thrown) {
        Throwable cause = thrown;
        while ((cause instanceof ExecutionException || cause instanceof CompletionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        String what;
        SSLException tls = tlsFailure(cause);
        if (tls != null) {
            what = "TLS handshake failed: " + tls.getMessage();
        } else if (cause instanceof FetchRefusedException) {
            what = cause.getMessage();
        } else if (cause instanceof HttpConnectTimeoutException) {
            what = "connect timed out after " + DurationSyntax.format(timeout);
        } else if (cause instanceof HttpTimeoutException) {
            what = "timed out after " + DurationSyntax.format(timeout);
        } else if (cause instanceof ConnectException) {
            what = "connection refused";
        } else if (cause instanceof IOException && cause.getMessage() != null) {
            what = cause.getMessage();
        } else {
            what = cause.toString();
        }
        return new SourceException(shownUrl + ": " + secrets.apply(what), cause);
    }

    private static SSLException tlsFailure(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof SSLException ssl) {
                return ssl;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return "HttpFetcher[" + shownUrl + ", timeout " + DurationSyntax.format(timeout) + ", cap " + ByteSize.format(maxBytes) + "]";
    }
}
