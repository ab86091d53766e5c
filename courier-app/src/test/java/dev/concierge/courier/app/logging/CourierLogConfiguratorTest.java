package dev.concierge.courier.app.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CourierLogConfiguratorTest {

    /** Configures a fresh logging context with {@code environment}, logs through it, returns what it wrote. */
    private static synchronized String logWith(Map<String, String> environment) {
        PrintStream originalErr = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new LogbackMDCAdapter());
        context.start();
        try {
            CourierLogConfigurator configurator = new CourierLogConfigurator(environment);
            configurator.setContext(context);
            configurator.configure(context);
            context.getLogger("dev.concierge.courier.core.pipeline.SinkWorker")
                    .warn("sink {}: 3 samples not delivered; next attempt in {} ms", "zabbix", 500);
            context.getLogger("dev.concierge.courier.core.pipeline.SinkWorker").debug("batch detail");
        } finally {
            context.stop();
            System.setErr(originalErr);
        }
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void writesHumanReadableLinesByDefault() {
        String out = logWith(Map.of());

        assertThat(out).matches("\\d{4}-\\d\\d-\\d\\dT[0-9:.]+(Z|[+-][0-9:]+) WARN  \\[[^]]+] SinkWorker - "
                + "sink zabbix: 3 samples not delivered; next attempt in 500 ms\\R");
    }

    @Test
    void writesJsonLinesOnRequestWithTheFormattedMessage() throws Exception {
        String out = logWith(Map.of("COURIER_LOG_FORMAT", "json"));

        JsonNode line = new ObjectMapper().readTree(out.strip());
        assertThat(line.get("level").asText()).isEqualTo("WARN");
        assertThat(line.get("loggerName").asText()).isEqualTo("dev.concierge.courier.core.pipeline.SinkWorker");
        assertThat(line.get("formattedMessage").asText())
                .isEqualTo("sink zabbix: 3 samples not delivered; next attempt in 500 ms");
        assertThat(line.get("timestamp").asLong()).isPositive();
    }

    @Test
    void takesItsLevelFromTheEnvironment() {
        assertThat(logWith(Map.of("COURIER_LOG_LEVEL", "debug"))).contains("batch detail");
        assertThat(logWith(Map.of("COURIER_LOG_LEVEL", "error"))).isEmpty();
    }
}
