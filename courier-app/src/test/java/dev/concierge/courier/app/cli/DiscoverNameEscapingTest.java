package dev.concierge.courier.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code courier discover} prints the macros of the keys a Zabbix sink sends for UTF-8 Prometheus names: escaped
 * as the default {@code name_escaping} escapes them, or as the {@code --sink} named does.
 */
class DiscoverNameEscapingTest {
    @TempDir
    Path dir;

    private Path config() throws IOException {
        return Files.writeString(dir.resolve("courier.yaml"), """
                data_dir: %s
                sources:
                  - {name: app, type: utf8}
                sinks:
                  - {name: zabbix, type: zabbix, server: 127.0.0.1}
                  - {name: exact, type: zabbix, server: 127.0.0.1, name_escaping: values}
                  - {name: raw, type: file, path: %s, name_escaping: none}
                """.formatted(dir.resolve("state"), dir.resolve("spool.txt")));
    }

    @Test
    void printsTheMacrosOfTheEscapedKeysTheDefaultSends() throws IOException {
        CommandOutput result = CommandOutput.run("discover", "--config", config().toString(), "--source", "app");

        assertThat(result.err()).isEmpty();
        assertThat(result.out()).isEqualTo("[{\"{#NAME}\":\"my_metric\",\"{#A_B}\":\"x\"}]\n");
    }

    @Test
    void withASinkPrintsTheMacrosOfThatSinksKeys() throws IOException {
        Path config = config();

        assertThat(CommandOutput.run("discover", "-c", config.toString(), "--source", "app", "--sink", "exact").out())
                .isEqualTo("[{\"{#NAME}\":\"U__my_2e_metric\",\"{#U__A_2E_B}\":\"x\"}]\n");
        assertThat(CommandOutput.run("discover", "-c", config.toString(), "--source", "app", "--sink", "raw").out())
                .isEqualTo("[{\"{#NAME}\":\"my.metric\",\"{#A.B}\":\"x\"}]\n");
    }
}
