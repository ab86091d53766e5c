package dev.concierge.courier.app.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.concierge.courier.app.config.ConfigException;
import dev.concierge.courier.app.config.YamlConfigParser;
import dev.concierge.courier.app.wiring.CourierConfig;
import dev.concierge.courier.core.spi.Secret;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdminConfigTest {
    private static final String TOKEN = "t0ken-that-must-not-leak";
    private static final String BASE = """
            data_dir: /tmp/courier
            sources:
              - {name: app, type: dropwizard, file: /tmp/m.json}
            sinks:
              - {name: zabbix, type: zabbix, server: "127.0.0.1"}
            """;

    @TempDir
    Path dir;

    private CourierConfig load(String admin) throws IOException, ConfigException {
        Path file = dir.resolve("courier.yaml");
        Files.writeString(file, BASE + admin);
        return CourierConfig.load(new YamlConfigParser(Map.of("ADMIN_TOKEN", TOKEN)), file);
    }

    @Test
    void hasNoAdminEndpointWithoutTheSection() throws Exception {
        CourierConfig config = load("");

        assertThat(config.admin()).isNull();
        assertThat(config.summary()).endsWith(", no admin endpoint");
    }

    @Test
    void listensOnLoopbackPort8080ByDefaultWithoutAToken() throws Exception {
        AdminConfig admin = load("admin: {}\n").admin();

        assertThat(admin).isEqualTo(new AdminConfig("127.0.0.1", 8080, null));
        assertThat(admin.requiresToken()).isFalse();
    }

    @Test
    void readsListenAndATokenFromTheEnvironment() throws Exception {
        AdminConfig admin = load("""
                admin:
                  listen: 0.0.0.0:9100
                  token: ${ADMIN_TOKEN}
                """).admin();

        assertThat(admin.host()).isEqualTo("0.0.0.0");
        assertThat(admin.port()).isEqualTo(9100);
        assertThat(admin.token()).isEqualTo(Secret.of(TOKEN));
    }

    @Test
    void takesPortZeroAsAnyFreePortAndAHostAloneAsPort8080() throws Exception {
        assertThat(load("admin: {listen: \"127.0.0.1:0\"}\n").admin().port()).isZero();
        assertThat(load("admin: {listen: \"[::1]:0\"}\n").admin().listen()).isEqualTo("[::1]:0");
        assertThat(load("admin: {listen: localhost}\n").admin().listen()).isEqualTo("localhost:8080");
    }

    @Test
    void requiresATokenToListenAnywhereButLoopback() {
        assertThatThrownBy(() -> load("admin: {listen: \"0.0.0.0:8080\"}\n"))
                .hasMessageContaining("admin.token: missing while listen is 0.0.0.0:8080, not a loopback address"
                        + " (expected: a token such as ${ADMIN_TOKEN} whenever listen is not a loopback address)");
        assertThatThrownBy(() -> load("admin: {listen: \"courier.example.com:8080\"}\n"))
                .hasMessageContaining("admin.token: missing while listen is courier.example.com:8080");
        assertThatThrownBy(() -> load("admin: {listen: \"[::]:8080\"}\n"))
                .hasMessageContaining("admin.token: missing while listen is [::]:8080");
        assertThatThrownBy(() -> new AdminConfig("10.0.0.5", 8080, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("token: missing for 10.0.0.5");
    }

    @Test
    void reportsEveryMistakeInTheSectionWithItsPosition() {
        assertThatThrownBy(() -> load("""
                admin:
                  listen: "127.0.0.1:99999"
                  token: ""
                  tokn: x
                """))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("courier.yaml:7:11: admin.listen: \"127.0.0.1:99999\" (expected: host:port to listen"
                        + " on, such as 127.0.0.1:8080 (port 0: any free port))")
                .hasMessageContaining("courier.yaml:8:10: admin.token")
                .hasMessageContaining("courier.yaml:9:3: admin.tokn: unknown key");
        assertThatThrownBy(() -> load("admin: on\n")).hasMessageContaining("admin: \"on\" (expected: a mapping)");
    }

    @Test
    void neverShowsTheTokenInToStringOrTheSummary() throws Exception {
        CourierConfig config = load("admin: {listen: \"0.0.0.0:8080\", token: \"${ADMIN_TOKEN}\"}\n");

        assertThat(config.admin().toString()).isEqualTo("AdminConfig[listen=0.0.0.0:8080, token=******]");
        assertThat(config.toString()).doesNotContain(TOKEN);
        assertThat(config.summary()).endsWith(", admin on 0.0.0.0:8080 with a token").doesNotContain(TOKEN);
    }
}
