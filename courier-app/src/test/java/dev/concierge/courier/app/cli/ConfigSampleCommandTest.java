package dev.concierge.courier.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.concierge.courier.app.wiring.PluginCatalog;
import dev.concierge.courier.core.settings.Settings;
import dev.concierge.courier.core.spi.PluginContext;
import dev.concierge.courier.core.spi.Sink;
import dev.concierge.courier.core.spi.SinkType;
import dev.concierge.courier.core.spi.Source;
import dev.concierge.courier.core.spi.SourceType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code courier config sample}: what it prints is a configuration {@code courier check} accepts. */
class ConfigSampleCommandTest {
    private static final String DATA_DIR = "data_dir: /var/lib/courier\n";
    // A URL, not a file: check reads no URL, while a file source's file must exist.
    private static final String MINIMAL_SOURCES =
            "sources:\n  - {name: minimal, type: dropwizard, url: \"http://127.0.0.1:8081/metrics\"}\n";
    private static final String MINIMAL_SINKS = "sinks:\n  - {name: minimal, type: zabbix, server: 127.0.0.1}\n";

    @TempDir
    Path dir;

    static List<String> sourceTypes() {
        return PluginCatalog.load().sourceTypes();
    }

    static List<String> sinkTypes() {
        return PluginCatalog.load().sinkTypes();
    }

    private CommandOutput check(String configuration) throws Exception {
        Path file = Files.writeString(Files.createTempFile(dir, "courier", ".yaml"), configuration);
        return CommandOutput.run("check", "--config", file.toString());
    }

    @Test
    void printsOneConfigurationWithEveryTypeThatCheckAccepts() throws Exception {
        CommandOutput sample = CommandOutput.run("config", "sample");

        CommandOutput checked = check(sample.out());

        assertThat(sample.exitCode()).isZero();
        assertThat(sample.err()).isEmpty();
        assertThat(sample.out()).startsWith("# A sample Concierge Courier configuration");
        assertThat(checked.err()).isEmpty();
        assertThat(checked.exitCode()).isZero();
        assertThat(checked.out())
                .startsWith("configuration OK: " + sourceTypes().size() + " source(s) [answer: constant deep.thought"
                        + " = 42.0 every PT10S, consul-web: consul")
                .contains(sinkTypes().size() + " sink(s) [zabbix-file: file")
                .contains(", node: prometheus ", ", graphite-main: graphite ", ", influx-main: http ",
                        ", zabbix-main: zabbix ", "], data_dir /var/lib/courier");
    }

    @Test
    void keepsEverySamplesCommentsInTypeNameOrder() {
        String sample = CommandOutput.run("config", "sample").out();

        assertThat(sample).containsSubsequence(
                "\nsources:\n",
                "  # Constant source (type: constant)", "  - name: answer ",
                "  # Consul source (type: consul)", "  - name: consul-web ",
                "  # Dropwizard Metrics source (type: dropwizard)", "  - name: orders-service ",
                "  # Prometheus source (type: prometheus)", "  - name: node ",
                "\nsinks:\n",
                "  # A file sink", "  - name: zabbix-file\n",
                "  # A Graphite sink", "  - name: graphite-main\n",
                "  # An HTTP sink", "  - name: influx-main\n",
                "  # A Zabbix sink", "  - name: zabbix-main\n", "    tls:\n      # unencrypted, or cert");
    }

    @ParameterizedTest
    @MethodSource("sourceTypes")
    void printsOneSourceTypesEntryThatCheckAcceptsBesideAMinimalSink(String type) throws Exception {
        CommandOutput sample = CommandOutput.run("config", "sample", type);

        CommandOutput checked = check(DATA_DIR + sample.out() + MINIMAL_SINKS);

        assertThat(sample.exitCode()).isZero();
        assertThat(sample.out()).startsWith("sources:\n").doesNotContain("\nsinks:");
        assertThat(checked.err()).isEmpty();
        assertThat(checked.out()).startsWith("configuration OK: 1 source(s) [").contains(": " + type + " ");
        assertThat(checked.exitCode()).isZero();
    }

    @ParameterizedTest
    @MethodSource("sinkTypes")
    void printsOneSinkTypesEntryThatCheckAcceptsBesideAMinimalSource(String type) throws Exception {
        CommandOutput sample = CommandOutput.run("config", "sample", type);

        CommandOutput checked = check(DATA_DIR + MINIMAL_SOURCES + sample.out());

        assertThat(sample.exitCode()).isZero();
        assertThat(sample.out()).startsWith("sinks:\n").doesNotContain("sources:");
        assertThat(checked.err()).isEmpty();
        assertThat(checked.out()).startsWith("configuration OK: 1 source(s) [minimal: dropwizard")
                .contains("1 sink(s) [").contains(": " + type + " ");
        assertThat(checked.exitCode()).isZero();
    }

    @Test
    void printsOneTypesSampleIndentedAsAListEntryWithItsComments() {
        CommandOutput sample = CommandOutput.run("config", "sample", "constant");

        assertThat(sample.exitCode()).isZero();
        assertThat(sample.err()).isEmpty();
        assertThat(sample.out()).isEqualTo("""
                sources:
                  # Constant source (type: constant): one gauge with a fixed value at every interval, the example plugin
                  # of the README's "Adding a plugin".

                  - name: answer                   # required; stamped on every sample
                    type: constant                 # required; selects this plugin
                    metric: deep.thought           # required; the gauge's name, not starting with a dot
                    value: 42                      # a number; default 1
                    interval: 10s                  # how often to emit the gauge; default 10s
                    host: app-01                   # the host the sample belongs to; default: this machine's host name
                """);
    }

    @Test
    void configAloneListsItsCommands() {
        CommandOutput config = CommandOutput.run("config");

        assertThat(config.exitCode()).isZero();
        assertThat(config.out()).startsWith("Usage: courier config ").contains("\n  sample  Prints a configuration");
    }

    @Test
    void refusesAnUnknownTypeWithExitCode2AndTheKnownTypes() {
        CommandOutput sample = CommandOutput.run("config", "sample", "statsd");

        assertThat(sample.exitCode()).isEqualTo(2);
        assertThat(sample.out()).isEmpty();
        assertThat(sample.err()).startsWith("Unknown type: statsd (expected: one of constant, consul, dropwizard,"
                + " file, graphite, graphite_intake, http, prometheus, utf8, zabbix, zabbix_intake)").contains("Usage: courier config sample");
    }

    @Test
    void saysSoWhenAPluginDocumentsNoSampleAndPrintsASourceAndASinkOfOneName() {
        ConfigSampleCommand command = new ConfigSampleCommand();
        command.catalog = PluginCatalog.of(List.of(new UndocumentedSourceType()), List.of(new UndocumentedSinkType()));

        CommandOutput sample = CommandOutput.runCommand(command, "bare");

        assertThat(sample.exitCode()).isZero();
        assertThat(sample.out()).isEqualTo("""
                sources:
                  # type: bare: its plugin documents no sample

                sinks:
                  # type: bare: its plugin documents no sample
                """);
    }

    /** A type with no {@code sample.yaml} beside its class (none in this test package). */
    private static final class UndocumentedSourceType implements SourceType<String> {
        @Override
        public String name() {
            return "bare";
        }

        @Override
        public String bind(Settings settings, PluginContext context) {
            return context.name();
        }

        @Override
        public Duration interval(String config) {
            return Duration.ofSeconds(10);
        }

        @Override
        public String summary(String config) {
            return config;
        }

        @Override
        public Source create(String config) {
            throw new UnsupportedOperationException("only its sample is asked for");
        }
    }

    private static final class UndocumentedSinkType implements SinkType<String> {
        @Override
        public String name() {
            return "bare";
        }

        @Override
        public String bind(Settings settings, PluginContext context) {
            return context.name();
        }

        @Override
        public String summary(String config) {
            return config;
        }

        @Override
        public Sink create(String config) {
            throw new UnsupportedOperationException("only its sample is asked for");
        }
    }
}
