package dev.concierge.courier.app.exampleplugin;

import dev.concierge.courier.core.model.MetricType;
import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.model.SampleValue;
import dev.concierge.courier.core.settings.InvalidSettingsException;
import dev.concierge.courier.core.settings.SettingProblem;
import dev.concierge.courier.core.settings.Settings;
import dev.concierge.courier.core.spi.Emitter;
import dev.concierge.courier.core.spi.PluginContext;
import dev.concierge.courier.core.spi.Source;
import dev.concierge.courier.core.spi.SourceType;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * {@code type: constant}: one gauge with a fixed value at every interval. A whole plugin, written the way the
 * README's "Adding a plugin" walks through: this package and one line in
 * {@code META-INF/services/dev.concierge.courier.core.spi.SourceType}; no other module knows it.
 */
public final class ConstantSourceType implements SourceType<ConstantSourceType.Config> {

    /** The plugin's config record; the constructor checks the rule that spans keys. */
    public record Config(String name, String metric, double value, Duration interval, String host) {
        public Config {
            if (metric.startsWith(".")) {
                throw new InvalidSettingsException("constant source " + name,
                        List.of(SettingProblem.of("metric", '"' + metric + '"', "a name not starting with a dot")));
            }
        }
    }

    @Override
    public String name() {
        return "constant";
    }

    @Override
    public Config bind(Settings settings, PluginContext context) {
        int before = settings.problemCount();
        settings.expectKeys("metric", "value", "interval", "host");
        String metric = settings.requiredString("metric");
        String value = settings.optionalString("value", "1");
        Duration interval = settings.optionalDuration("interval", Duration.ofSeconds(10));
        String host = settings.optionalString("host", context.defaultHost());
        double number = Double.NaN;
        try {
            number = Double.parseDouble(value);
        } catch (NumberFormatException e) {
            settings.problem("value", '"' + value + '"', "a number");
        }
        if (settings.problemCount() > before) {
            return null;
        }
        double parsed = number;
        return settings.build(() -> new Config(context.name(), metric, parsed, interval, host));
    }

    @Override
    public Duration interval(Config config) {
        return config.interval();
    }

    @Override
    public String summary(Config config) {
        return config.metric() + " = " + config.value() + " every " + config.interval();
    }

    @Override
    public Source create(Config config) {
        return new Source() {
            @Override
            public String name() {
                return config.name();
            }

            @Override
            public void collect(Emitter out) {
                out.offer(Sample.of(config.metric(), MetricType.GAUGE, null, SampleValue.of(config.value()),
                        Clock.systemUTC().instant(), config.host(), config.name()));
            }
        };
    }
}
