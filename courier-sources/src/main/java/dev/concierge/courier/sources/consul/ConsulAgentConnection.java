package dev.concierge.courier.sources.consul;

import com.ecwid.consul.v1.ConsulClient;
import com.ecwid.consul.v1.ConsulRawClient;
import dev.concierge.courier.core.spi.Secret;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.apache.http.HttpRequestInterceptor;
import org.apache.http.client.config.RequestConfig;
import org.apache.http.impl.client.CloseableHttpClient;
import org.apache.http.impl.client.HttpClients;
import org.apache.http.impl.conn.PoolingHttpClientConnectionManager;

/**
 * The two consul-api clients a Consul source talks through, each on its own Apache {@code HttpClient}:
 * {@link #watch()} for blocking queries (read timeout longer than the blocking wait) and {@link #agent()}
 * for the short agent calls (registration, TTL passes, deregistration), which must fail fast.
 *
 * <p>The token is never handed to consul-api: version 1.4.5 puts it in a {@code ?token=} query parameter
 * for the health, catalog and agent calls used here. Instead a request interceptor on both HTTP clients adds
 * {@code X-Consul-Token}; interceptors run after consul-api's own (JUL FINEST) request logging, so the header
 * is in no log line either.
 *
 * <p>Thread-safe. {@link #close()} closes both HTTP clients, which aborts a blocking query in progress.
 */
final class ConsulAgentConnection implements AutoCloseable {
    /** The ACL token header (api-structure.mdx); {@code ?token=} is deprecated and leaks into access logs. */
    static final String TOKEN_HEADER = "X-Consul-Token";

    private final CloseableHttpClient watchHttp;
    private final CloseableHttpClient agentHttp;
    private final ConsulRawClient watchRaw;
    private final ConsulRawClient agentRaw;
    private final ConsulClient watch;
    private final ConsulClient agent;

    private ConsulAgentConnection(CloseableHttpClient watchHttp, CloseableHttpClient agentHttp, URI agentUri) {
        this.watchHttp = watchHttp;
        this.agentHttp = agentHttp;
        String host = agentUri.getScheme() + "://" + agentUri.getHost();
        int port = agentUri.getPort() > 0 ? agentUri.getPort() : ("https".equalsIgnoreCase(agentUri.getScheme()) ? 443 : 80);
        String path = agentUri.getRawPath() == null || agentUri.getRawPath().equals("/") ? "" : agentUri.getRawPath();
        this.watchRaw = new ConsulRawClient(watchHttp, host, port, path);
        this.agentRaw = new ConsulRawClient(agentHttp, host, port, path);
        this.watch = new ConsulClient(watchRaw);
        this.agent = new ConsulClient(agentRaw);
    }

    /**
     * Clients for {@code config.agent()}: the watch client reads with {@code config.readTimeout()}, the agent
     * client with {@code config.connectTimeout()}; both connect within {@code config.connectTimeout()}.
     */
    static ConsulAgentConnection create(ConsulConfig config) {
        // One pooled connection per blocking query: the default of 2 per route would queue the third watch.
        int watches = Math.max(8, config.services().size() * 2 + 4);
        CloseableHttpClient watchHttp = httpClient(config.token(), config.connectTimeout(), config.readTimeout(), watches);
        CloseableHttpClient agentHttp = httpClient(config.token(), config.connectTimeout(), config.connectTimeout(), 2);
        return new ConsulAgentConnection(watchHttp, agentHttp, config.agent());
    }

    /**
     * Clients for one-shot reads, such as {@code courier discover}: both connect and read within
     * {@code timeout}, one connection each.
     */
    static ConsulAgentConnection oneShot(URI agent, Secret token, Duration timeout) {
        return new ConsulAgentConnection(httpClient(token, timeout, timeout, 1), httpClient(token, timeout, timeout, 1),
                agent);
    }

    private static CloseableHttpClient httpClient(Secret token, Duration connectTimeout, Duration readTimeout,
                                                  int connections) {
        PoolingHttpClientConnectionManager pool = new PoolingHttpClientConnectionManager();
        pool.setMaxTotal(connections);
        pool.setDefaultMaxPerRoute(connections);
        RequestConfig requestConfig = RequestConfig.custom()
                .setConnectTimeout(millis(connectTimeout))
                .setConnectionRequestTimeout(millis(connectTimeout))
                .setSocketTimeout(millis(readTimeout))
                .build();
        var builder = HttpClients.custom()
                .setConnectionManager(pool)
                .setDefaultRequestConfig(requestConfig)
                // The watch loop and the heartbeat own retry and backoff; a hidden retry would double requests.
                .disableAutomaticRetries();
        if (token != null) {
            HttpRequestInterceptor addToken = (request, context) -> request.setHeader(TOKEN_HEADER, token.reveal());
            builder.addInterceptorLast(addToken);
        }
        return builder.build();
    }

    private static int millis(Duration duration) {
        return (int) Math.min(Integer.MAX_VALUE, duration.toMillis());
    }

    /** For blocking queries. */
    ConsulClient watch() {
        return watch;
    }

    /** For agent calls that must answer at once. */
    ConsulClient agent() {
        return agent;
    }

    /** The raw client behind {@link #agent()}, for requests consul-api cannot shape (see package-info). */
    ConsulRawClient agentRaw() {
        return agentRaw;
    }

    /**
     * Percent-encodes one path segment. consul-api concatenates service names and check IDs into paths
     * without encoding; everything but RFC 3986 unreserved characters is encoded here.
     */
    static String pathSegment(String value) {
        StringBuilder sb = new StringBuilder(value.length() + 8);
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '.' || c == '_' || c == '~') {
                sb.append((char) c);
            } else {
                sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return sb.toString();
    }

    @Override
    public void close() {
        closeQuietly(watchHttp);
        closeQuietly(agentHttp);
    }

    private static void closeQuietly(CloseableHttpClient client) {
        try {
            client.close();
        } catch (IOException e) {
            // Closing releases sockets; there is nothing left to do if that fails.
        }
    }
}
