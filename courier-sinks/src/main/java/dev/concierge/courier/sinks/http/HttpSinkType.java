package dev.concierge.courier.sinks.http;

import dev.concierge.courier.core.naming.NameEscaping;
import dev.concierge.courier.core.spi.PeerProbe;
import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.settings.Settings;
import dev.concierge.courier.core.spi.PluginContext;
import dev.concierge.courier.core.spi.RendersSamples;
import dev.concierge.courier.core.spi.Secret;
import dev.concierge.courier.core.spi.Sink;
import dev.concierge.courier.core.spi.SinkType;
import dev.concierge.courier.core.tls.TlsClientSettings;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code type: http}: batches as JSON or Influx line protocol over HTTP; see {@code sample.yaml}. Renders each
 * sample as its part of the request body, uncompressed: a JSON object of the body's array, or an Influx line.
 */
public final class HttpSinkType implements SinkType<HttpSinkConfig>, RendersSamples<HttpSinkConfig> {
    private static final Logger LOG = LoggerFactory.getLogger(HttpSinkType.class);

    @Override
    public String name() {
        return "http";
    }

    @Override
    public HttpSinkConfig bind(Settings settings, PluginContext context) {
        int before = settings.problemCount();
        settings.expectKeys("url", "format", "gzip", "headers", "auth", "tls", "connect_timeout", "read_timeout",
                "max_in_flight", "max_batch_size", NameEscaping.KEY);
        URI url = settings.requiredUrl("url");
        List<String> formats = Arrays.stream(HttpSinkConfig.Format.values()).map(HttpSinkConfig.Format::configName)
                .toList();
        HttpSinkConfig.Format format = HttpSinkConfig.Format.byConfigName(settings.optionalChoice("format", formats,
                HttpSinkConfig.DEFAULT_FORMAT.configName()));
        boolean gzip = settings.optionalBoolean("gzip", HttpSinkConfig.DEFAULT_GZIP);
        Map<String, String> headers = settings.optionalStringMap("headers");
        HttpAuth auth = auth(settings.optionalMapping("auth"));
        Settings tlsBlock = settings.optionalMapping("tls");
        HttpTrustStore trustStore = trustStore(tlsBlock);
        TlsClientSettings tls = TlsClientSettings.bind(settings, tlsBlock);
        Duration connect = settings.optionalDuration("connect_timeout", HttpSinkConfig.DEFAULT_CONNECT_TIMEOUT);
        Duration read = settings.optionalDuration("read_timeout", HttpSinkConfig.DEFAULT_READ_TIMEOUT);
        int inFlight = settings.optionalInt("max_in_flight", 1, 64, HttpSinkConfig.DEFAULT_MAX_IN_FLIGHT);
        int batch = settings.optionalInt("max_batch_size", 1, 100_000, HttpSinkConfig.DEFAULT_MAX_BATCH_SIZE);
        NameEscaping nameEscaping = NameEscaping.bind(settings);
        if (settings.problemCount() > before) {
            return null;
        }
        HttpSinkConfig config = settings.build(() -> new HttpSinkConfig(context.name(), url, format, gzip, headers,
                auth, trustStore, connect, read, inFlight, batch, tls, nameEscaping));
        if (config != null) {
            for (String warning : config.warnings()) {
                LOG.warn("{}: {}", settings.path(), warning);
            }
        }
        return config;
    }

    /** {@code auth: {type: basic, user, password}} or {@code {type: bearer, token}}; null when absent. */
    private static HttpAuth auth(Settings auth) {
        if (auth.keys().isEmpty()) {
            return null;
        }
        auth.expectKeys("type", "user", "password", "token");
        String type = auth.requiredChoice("type", List.of("basic", "bearer"));
        if ("basic".equals(type)) {
            String user = auth.requiredString("user");
            Secret password = auth.requiredSecret("password");
            if (auth.has("token")) {
                auth.problem("token", "a token", "no token with type basic");
            }
            return user == null || password == null ? null : new HttpAuth.Basic(user, password);
        }
        if ("bearer".equals(type)) {
            Secret token = auth.requiredSecret("token");
            for (String key : List.of("user", "password")) {
                if (auth.has(key)) {
                    auth.problem(key, "a " + key, "no " + key + " with type bearer");
                }
            }
            return token == null ? null : new HttpAuth.Bearer(token);
        }
        return null;
    }

    /**
     * {@code tls: {trust_store, trust_store_password, trust_store_type}}; null when absent. The same block may
     * instead hold the PEM keys every TLS client of the courier shares ({@link TlsClientSettings#KEYS}).
     */
    private static HttpTrustStore trustStore(Settings tls) {
        List<String> keys = new ArrayList<>(List.of("trust_store", "trust_store_password", "trust_store_type"));
        keys.addAll(TlsClientSettings.KEYS);
        tls.expectKeys(keys.toArray(new String[0]));
        if (!tls.has("trust_store") && !tls.has("trust_store_password") && !tls.has("trust_store_type")) {
            return null;
        }
        String path = tls.requiredString("trust_store");
        Secret password = tls.optionalSecret("trust_store_password", null);
        String type = tls.optionalChoice("trust_store_type", List.of("PKCS12", "JKS"), HttpTrustStore.DEFAULT_TYPE);
        return path == null ? null : new HttpTrustStore(Path.of(path), password, type);
    }

    @Override
    public NameEscaping nameEscaping(HttpSinkConfig config) {
        return config.nameEscaping();
    }

    @Override
    public String summary(HttpSinkConfig config) {
        return config.format().configName() + " to " + config.endpoint();
    }

    @Override
    public Sink create(HttpSinkConfig config) {
        return HttpSink.create(config);
    }

    @Override
    public List<Path> watchedFiles(HttpSinkConfig config) {
        List<Path> files = new ArrayList<>();
        if (config.trustStore() != null) {
            files.add(config.trustStore().path());
        }
        if (config.tls() != null) {
            files.addAll(config.tls().files());
        }
        return files;
    }

    /** Each sample's part of the body from the sink's own encoder; a body holds up to max_batch_size of them. */
    @Override
    public void render(HttpSinkConfig config, List<Sample> samples, Output out) {
        HttpBodyEncoder encoder = HttpBodyEncoder.of(config.format(), config.nameEscaping());
        for (Sample sample : samples) {
            String element = encoder.element(sample);
            if (element != null) {
                out.line(element);
            } else {
                out.skipped(sample, "non-finite value");
            }
        }
    }

    /** A TCP connection to the URL's host and port, without a request. */
    @Override
    public List<PeerProbe> probes(HttpSinkConfig config) {
        URI url = config.url();
        int port = url.getPort() != -1 ? url.getPort() : "https".equalsIgnoreCase(url.getScheme()) ? 443 : 80;
        return List.of(PeerProbe.tcp(url.getHost(), port));
    }
}
