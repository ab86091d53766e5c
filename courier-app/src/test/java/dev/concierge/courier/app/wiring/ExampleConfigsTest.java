package dev.concierge.courier.app.wiring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.concierge.courier.app.config.YamlConfigParser;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The configurations in examples/ (shown in the README) bind as written. */
class ExampleConfigsTest {
    private static final Path EXAMPLES = Path.of("..", "examples").toAbsolutePath().normalize();

    @Test
    void sendingOneSourceEverywhereBinds() throws Exception {
        CourierConfig config = CourierConfig.load(new YamlConfigParser(Map.of()), EXAMPLES.resolve("everywhere.yaml"));

        assertThat(config.sources()).extracting(SourceDefinition::type).containsExactly("dropwizard");
        assertThat(config.sinks()).extracting(SinkDefinition::type).containsExactly("zabbix", "graphite", "http", "file");
        assertThat(config.dataDir()).isEqualTo(Path.of("/var/lib/courier"));
    }
}
