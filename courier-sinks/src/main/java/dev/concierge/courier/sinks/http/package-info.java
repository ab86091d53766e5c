/**
 * The HTTP sink: POSTs each batch to one URL, as JSON or as InfluxDB line protocol.
 *
 * <ul>
 *   <li>{@link dev.concierge.courier.sinks.http.HttpSinkConfig}, {@link dev.concierge.courier.sinks.http.HttpAuth}
 *       and {@link dev.concierge.courier.sinks.http.HttpTrustStore}: the configuration; {@code sample.yaml} in
 *       this package's resources documents every key.</li>
 *   <li>{@code JsonBodyEncoder} and {@code InfluxBodyEncoder}: a batch to a request body.</li>
 *   <li>{@code HttpOutcomes} and {@code HttpRetryAfter}: a status, its {@code Retry-After} and the start of its
 *       body to a delivery outcome.</li>
 *   <li>{@link dev.concierge.courier.sinks.http.HttpSink}: the plugin.</li>
 * </ul>
 *
 * <p><b>The json format</b> is one array with one object per sample, every key always present:
 * <pre>
 * [{"name":"app.requests","labels":{"env":"prod"},"type":"timer","field":"p99","value":0.25,
 *   "timestamp":{"seconds":1717171717,"nanos":120000000},"host":"web-01","source":"orders"}]
 * </pre>
 * <table>
 *   <caption>Keys of a sample object</caption>
 *   <tr><td>name</td><td>string</td><td>the metric name as the source exposes it</td></tr>
 *   <tr><td>labels</td><td>object of strings</td><td>the metric's labels, sorted by name; {@code {}} when none</td></tr>
 *   <tr><td>type</td><td>string</td><td>counter, gauge, histogram, meter, timer, summary or untyped</td></tr>
 *   <tr><td>field</td><td>string or null</td><td>the field within the metric ({@code p99}, {@code m1_rate});
 *       null for single-valued metrics</td></tr>
 *   <tr><td>value</td><td>number or string</td><td>integers exact, decimals in shortest round-trip form, text as
 *       a string; NaN and infinities are never sent</td></tr>
 *   <tr><td>timestamp</td><td>object</td><td>{@code seconds} since the epoch and {@code nanos} within the
 *       second, 0..999999999</td></tr>
 *   <tr><td>host</td><td>string</td><td>the host the value belongs to</td></tr>
 *   <tr><td>source</td><td>string</td><td>the name of the configured source that read it</td></tr>
 * </table>
 *
 * <p><b>The influx format</b> is {@link dev.concierge.courier.sinks.http.InfluxLines}, one line per sample,
 * with seconds timestamps: the URL must carry {@code precision=s}, or InfluxDB stores every point in 1970.
 * A URL without it loads with a warning; one with another precision does not load.
 *
 * <p><b>Why the JDK HTTP client and not Netty's HTTP codec.</b> The other sinks here speak one request per
 * connection, where a Netty channel per exchange is the whole job. HTTP wants keep-alive connection reuse,
 * TLS with hostname verification, chunked and content-length framing of responses, and a pool that notices
 * connections the server closed while idle. {@code java.net.http.HttpClient} has all of that in the JDK,
 * tested and maintained, and is asynchronous; on Netty it would be a hand-written pool and exchange handler
 * on top of {@code HttpClientCodec}. The one gap, a request timeout that stops at the response headers, is
 * closed by the sink's own deadline over the whole exchange.
 *
 * <p>Conventions: the pipeline owns retries, so nothing here retries or buffers; a sink's outcome stage
 * always completes normally; secrets ({@link dev.concierge.courier.core.spi.Secret}, header values, secret
 * query parameters) never reach a log line or a {@code toString()}.
 */
package dev.concierge.courier.sinks.http;
