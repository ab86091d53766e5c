package dev.concierge.courier.app.utf8plugin;

import dev.concierge.courier.core.model.Labels;
import dev.concierge.courier.core.model.MetricType;
import dev.concierge.courier.core.model.NameSyntax;
import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.model.SampleValue;
import dev.concierge.courier.core.naming.ZabbixLldMacros;
import dev.concierge.courier.core.settings.Settings;
import dev.concierge.courier.core.spi.Emitter;
import dev.concierge.courier.core.spi.LldDiscoverable;
import dev.concierge.courier.core.spi.LldRow;
import dev.concierge.courier.core.spi.LldRows;
import dev.concierge.courier.core.spi.PluginContext;
import dev.concierge.courier.core.spi.Source;
import dev.concierge.courier.core.spi.SourceType;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * {@code type: utf8}: what a Prometheus 3 exporter with UTF-8 names serves, {@code my.metric{"a.b"="x"}}, as a
 * source that reads Prometheus's data model gives it ({@link NameSyntax#PROMETHEUS}), with discovery rows made
 * of its series as the courier's own Prometheus source makes them. For the tests of what the app does with such
 * names; no test of the Prometheus parser.
 */
public final class Utf8ExporterSourceType implements SourceType<Utf8ExporterSourceType.Config> {

    public record Config(String name) {
    }

    static final Sample SAMPLE = new Sample("my.metric", Labels.of("a.b", "x"), MetricType.COUNTER, null,
            SampleValue.of(1L), 1_717_171_717L, 0, "web-01", "utf8", NameSyntax.PROMETHEUS);

    @Override
    public String name() {
        return "utf8";
    }

    @Override
    public Config bind(Settings settings, PluginContext context) {
        settings.expectKeys();
        return new Config(context.name());
    }

    @Override
    public Duration interval(Config config) {
        return Duration.ofSeconds(10);
    }

    @Override
    public String summary(Config config) {
        return "my.metric";
    }

    @Override
    public Source create(Config config) {
        return new Exporter(config.name());
    }

    private static final class Exporter implements Source, LldDiscoverable {
        private final String name;

        Exporter(String name) {
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public void collect(Emitter out) {
            out.offer(SAMPLE);
        }

        @Override
        public Optional<LldRows> lldRows() {
            return lldRows(UnaryOperator.identity());
        }

        @Override
        public Optional<LldRows> lldRows(UnaryOperator<Sample> processing) {
            Sample processed = processing.apply(SAMPLE);
            return Optional.of(LldRows.complete(processed == null ? List.of()
                    : List.of(new LldRow("my.metric", ZabbixLldMacros.ofSeries(processed.name(), processed.labels())))));
        }
    }
}
