package dev.concierge.courier.app.wiring;

import dev.concierge.courier.core.pipeline.Backoff;
import dev.concierge.courier.core.settings.Settings;
import dev.concierge.courier.core.spi.PluginContext;
import dev.concierge.courier.core.spi.Sink;
import dev.concierge.courier.core.spi.SinkType;
import dev.concierge.courier.core.spi.Source;
import dev.concierge.courier.core.spi.SourceType;
import java.time.Duration;
import java.util.function.Supplier;

/** Definitions of sources and sinks a test has built itself, for wiring them without a configuration file. */
public final class GivenPlugins {
    private GivenPlugins() {
    }

    /** A definition that creates the source {@code factory} gives. */
    public static SourceDefinition<Duration> source(String name, Duration interval, Supplier<Source> factory) {
        return SourceDefinition.of(name, new GivenSourceType(factory), interval);
    }

    /** A definition that creates {@code sink}. */
    public static SinkDefinition<String> sink(Sink sink, Backoff backoff, long backlogBytes) {
        return SinkDefinition.of(sink.name(), new GivenSinkType(() -> sink), sink.name(), backoff, backlogBytes);
    }

    private record GivenSourceType(Supplier<Source> factory) implements SourceType<Duration> {
        @Override
        public String name() {
            return "given";
        }

        @Override
        public Duration bind(Settings settings, PluginContext context) {
            throw new UnsupportedOperationException("a given source is not configured");
        }

        @Override
        public Duration interval(Duration config) {
            return config;
        }

        @Override
        public String summary(Duration config) {
            return "a source given by the test";
        }

        @Override
        public Source create(Duration config) {
            return factory.get();
        }
    }

    private record GivenSinkType(Supplier<Sink> factory) implements SinkType<String> {
        @Override
        public String name() {
            return "given";
        }

        @Override
        public String bind(Settings settings, PluginContext context) {
            throw new UnsupportedOperationException("a given sink is not configured");
        }

        @Override
        public String summary(String config) {
            return "a sink given by the test";
        }

        @Override
        public Sink create(String config) {
            return factory.get();
        }
    }
}
