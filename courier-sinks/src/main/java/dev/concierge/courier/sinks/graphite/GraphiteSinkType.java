package dev.concierge.courier.sinks.graphite;

import dev.concierge.courier.core.naming.NameEscaping;
import dev.concierge.courier.core.spi.PeerProbe;
import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.settings.HostPort;
import dev.concierge.courier.core.settings.InvalidValueException;
import dev.concierge.courier.core.settings.Settings;
import dev.concierge.courier.core.spi.PluginContext;
import dev.concierge.courier.core.spi.RendersSamples;
import dev.concierge.courier.core.spi.Sink;
import dev.concierge.courier.core.spi.SinkType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code type: graphite}: Graphite plaintext to one server or several; see {@code sample.yaml}. Renders each
 * sample as the plaintext line the sink writes, without its newline.
 */
public final class GraphiteSinkType implements SinkType<GraphiteSinkConfig>, RendersSamples<GraphiteSinkConfig> {
    private static final String EXPECTED_SERVER = "host:port such as graphite.example.org:2003";

    @Override
    public String name() {
        return "graphite";
    }

    @Override
    public GraphiteSinkConfig bind(Settings settings, PluginContext context) {
        int before = settings.problemCount();
        settings.expectKeys("server", "servers", "mode", "template", "tags", "prefix", "connect_timeout",
                "write_timeout", "max_batch_size", NameEscaping.KEY);
        List<HostPort> servers = servers(settings);
        List<String> modes = List.of(GraphiteSinkConfig.Mode.FAILOVER.configName(),
                GraphiteSinkConfig.Mode.HASH.configName());
        String mode = settings.optionalChoice("mode", modes, GraphiteSinkConfig.DEFAULT_MODE.configName());
        String template = settings.optionalString("template", GraphiteSinkConfig.DEFAULT_TEMPLATE);
        boolean tags = settings.optionalBoolean("tags", GraphiteSinkConfig.DEFAULT_TAGS);
        String prefix = settings.optionalString("prefix", GraphiteSinkConfig.DEFAULT_PREFIX);
        Duration connect = settings.optionalDuration("connect_timeout", GraphiteSinkConfig.DEFAULT_CONNECT_TIMEOUT);
        Duration write = settings.optionalDuration("write_timeout", GraphiteSinkConfig.DEFAULT_WRITE_TIMEOUT);
        int batch = settings.optionalInt("max_batch_size", 1, 100_000, GraphiteSinkConfig.DEFAULT_MAX_BATCH_SIZE);
        NameEscaping nameEscaping = NameEscaping.bind(settings);
        if (settings.problemCount() > before) {
            return null;
        }
        return settings.build(() -> new GraphiteSinkConfig(context.name(),
                servers.stream().map(s -> GraphiteSinkConfig.Server.of(s.host(), s.port())).toList(),
                GraphiteSinkConfig.Mode.valueOf(mode.toUpperCase(Locale.ROOT)), template, tags, prefix, connect,
                write, batch, nameEscaping));
    }

    /** {@code server: host:port} or {@code servers: [host:port, ...]}, exactly one of them. */
    private static List<HostPort> servers(Settings settings) {
        boolean single = settings.has("server");
        boolean list = settings.has("servers");
        if (single && list) {
            settings.problem("both server and servers", "exactly one of them");
            return List.of();
        }
        if (single) {
            HostPort server = settings.requiredHostPort("server", GraphiteSinkConfig.DEFAULT_PORT);
            return server == null ? List.of() : List.of(server);
        }
        if (!list) {
            settings.problem("neither server nor servers", "exactly one of them");
            return List.of();
        }
        int before = settings.problemCount();
        List<Settings> elements = settings.optionalList("servers");
        if (elements.isEmpty() && settings.problemCount() == before) {
            settings.problem("servers", "an empty list", "at least one host:port");
        }
        List<HostPort> servers = new ArrayList<>();
        for (Settings element : elements) {
            String text = element.text();
            if (text == null) {
                element.problem("not a plain value", EXPECTED_SERVER);
                continue;
            }
            try {
                servers.add(HostPort.parse(text, GraphiteSinkConfig.DEFAULT_PORT));
            } catch (IllegalArgumentException e) {
                element.problem(InvalidValueException.quote(text), EXPECTED_SERVER);
            }
        }
        return servers;
    }

    @Override
    public NameEscaping nameEscaping(GraphiteSinkConfig config) {
        return config.nameEscaping();
    }

    @Override
    public String summary(GraphiteSinkConfig config) {
        return config.serverList() + (config.servers().size() > 1 ? " (" + config.mode().configName() + ")" : "");
    }

    @Override
    public Sink create(GraphiteSinkConfig config) {
        return GraphiteSink.create(config);
    }

    /** The lines of {@link GraphiteLineEncoder}, which the sink writes; which server gets each is not shown. */
    @Override
    public void render(GraphiteSinkConfig config, List<Sample> samples, Output out) {
        GraphiteLineEncoder encoder = new GraphiteLineEncoder(GraphitePathTemplate.of(config));
        StringBuilder line = new StringBuilder(128);
        for (Sample sample : samples) {
            line.setLength(0);
            GraphiteLineEncoder.Verdict verdict = encoder.encode(sample, line);
            if (verdict == GraphiteLineEncoder.Verdict.LINE) {
                out.line(line.substring(0, line.length() - 1)); // without its newline
            } else {
                out.skipped(sample, verdict.reason());
            }
        }
    }

    /** A TCP connection to each carbon server, without a line. */
    @Override
    public List<PeerProbe> probes(GraphiteSinkConfig config) {
        return config.servers().stream().map(server -> PeerProbe.tcp(server.host(), server.port())).toList();
    }
}
