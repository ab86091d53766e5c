package dev.concierge.courier.app.config;

import dev.concierge.courier.core.settings.HostPort;
import dev.concierge.courier.core.settings.ByteSize;
import static org.assertj.core.api.Assertions.assertThat;

import dev.concierge.courier.core.spi.Secret;
import java.io.InputStreamReader;
import java.io.Reader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.Test;

class ConfigNodeReadersTest {
    private static final List<String> SINK_TYPES = List.of("zabbix", "graphite", "http");

    private final ConfigProblems problems = new ConfigProblems();
    private final YamlConfigParser parser = new YamlConfigParser(Map.of("ZBX_PSK_VALUE", "0123456789abcdef"));

    /** What a plugin binder looks like: declare the keys, read each one, build the record only if all is well. */
    record SinkConfig(String name, String type, HostPort server, Duration timeout, ByteSize buffer,
                      boolean enabled, Secret psk, URI url, int batchSize) {
    }

    private static SinkConfig bindSink(ConfigNode sink, ConfigProblems problems) {
        int before = problems.count();
        sink.expectKeys(problems, "name", "type", "server", "timeout", "buffer", "enabled", "psk", "url",
                "batch_size");
        String name = sink.requiredString("name", problems);
        String type = sink.requiredChoice("type", SINK_TYPES, problems);
        HostPort server = sink.requiredHostPort("server", 10051, problems);
        Duration timeout = sink.optionalDuration("timeout", Duration.ofSeconds(10), problems);
        ByteSize buffer = sink.optionalSize("buffer", ByteSize.parse("64MiB"), problems);
        boolean enabled = sink.optionalBoolean("enabled", true, problems);
        Secret psk = sink.optionalSecret("psk", null, problems);
        URI url = sink.optionalUrl("url", null, problems);
        int batchSize = sink.optionalInt("batch_size", 1, 10_000, 1000, problems);
        if (problems.count() > before) {
            return null;
        }
        return new SinkConfig(name, type, server, timeout, buffer, enabled, psk, url, batchSize);
    }

    private ConfigNode parse(String yaml) throws ConfigException {
        return parser.parse("courier.yaml", yaml, problems);
    }

    private List<String> messages() {
        return problems.sorted().stream().map(ConfigProblem::message).toList();
    }

    @Test
    void reportsEveryMistakeInADocumentAtOnceInPositionOrder() throws Exception {
        ConfigNode root;
        try (Reader reader = new InputStreamReader(Objects.requireNonNull(
                getClass().getResourceAsStream("several-mistakes.yaml")), StandardCharsets.UTF_8)) {
            root = parser.parse("several-mistakes.yaml", reader, problems);
        }
        List<SinkConfig> sinks = new ArrayList<>();
        for (ConfigNode sink : root.requiredList("sinks", problems)) {
            sinks.add(bindSink(sink, problems));
        }

        assertThat(sinks).containsOnlyNulls();
        assertThat(messages()).containsExactly(
                "several-mistakes.yaml:5:13: sinks[0].server: \"zabbix.example.com:100051\""
                        + " (expected: a port from 1 to 65535)",
                "several-mistakes.yaml:6:14: sinks[0].timeout: \"10\""
                        + " (expected: a duration with a unit such as 10s, 250ms, 1m, 1h or 2d)",
                "several-mistakes.yaml:7:13: sinks[0].buffer: \"64\""
                        + " (expected: a size with a unit such as 64MiB, 16MB, 512KiB or 100B)",
                "several-mistakes.yaml:8:5: sinks[0].servr: unknown key"
                        + " (expected: one of name, type, server, timeout, buffer, enabled, psk, url, batch_size)",
                "several-mistakes.yaml:9:5: sinks[1].name: missing (expected: a non-empty string)",
                "several-mistakes.yaml:9:11: sinks[1].type: \"graphit\" (expected: one of zabbix, graphite, http)",
                "several-mistakes.yaml:11:14: sinks[1].enabled: \"yes\" (expected: true or false)",
                "several-mistakes.yaml:12:10: sinks[1].psk: ZBX_PSK is not set"
                        + " (expected: ZBX_PSK set in the environment, or a default as ${ZBX_PSK:-default})",
                "several-mistakes.yaml:13:10: sinks[1].url: \"ftp://metrics.example.com\""
                        + " (expected: an http or https URL such as https://example.com/api)",
                "several-mistakes.yaml:14:17: sinks[1].batch_size: \"0\" (expected: an integer from 1 to 10000)");
    }

    @Test
    void bindsAValidSectionWithoutProblems() throws ConfigException {
        ConfigNode root = parse("""
                sinks:
                  - name: primary
                    type: http
                    server: "[::1]"
                    timeout: 250ms
                    buffer: 16MB
                    enabled: FALSE
                    psk: ${ZBX_PSK_VALUE}
                    url: https://metrics.example.com/write?db=courier
                    batch_size: "500"
                """);

        SinkConfig sink = bindSink(root.requiredList("sinks", problems).get(0), problems);

        assertThat(problems.sorted()).isEmpty();
        assertThat(sink).isEqualTo(new SinkConfig("primary", "http", HostPort.of("::1", 10051),
                Duration.ofMillis(250), ByteSize.ofBytes(16_000_000), false, Secret.of("0123456789abcdef"),
                URI.create("https://metrics.example.com/write?db=courier"), 500));
        assertThat(sink.toString()).doesNotContain("0123456789abcdef");
    }

    @Test
    void optionalReadersGiveTheirDefaultsWhenAbsentOrNull() throws ConfigException {
        ConfigNode sink = parse("name: primary\ntype: zabbix\nserver: zabbix\ntimeout:\nbuffer: ~\n");

        SinkConfig config = bindSink(sink, problems);

        assertThat(problems.sorted()).isEmpty();
        assertThat(config).isEqualTo(new SinkConfig("primary", "zabbix", HostPort.of("zabbix", 10051),
                Duration.ofSeconds(10), ByteSize.ofBytes(64L << 20), true, null, null, 1000));
    }

    @Test
    void aMissingRequiredKeyIsReportedAtItsMappingAndANullOneAtItsKey() throws ConfigException {
        ConfigNode root = parse("""
                sink:
                  type: zabbix
                  server:
                """);
        ConfigNode sink = root.requiredMapping("sink", problems);

        assertThat(sink.requiredString("name", problems)).isNull();
        assertThat(sink.requiredHostPort("server", 10051, problems)).isNull();
        assertThat(messages()).containsExactly(
                "courier.yaml:2:3: sink.name: missing (expected: a non-empty string)",
                "courier.yaml:3:3: sink.server: null"
                        + " (expected: host:port such as zabbix.example.com:10051 or [::1]:10051)");
    }

    @Test
    void anEmptyRequiredStringIsAProblemButAnEmptyOptionalOneIsNot() throws ConfigException {
        ConfigNode root = parse("name: \"\"\nprefix: \"\"\n");

        assertThat(root.requiredString("name", problems)).isNull();
        assertThat(root.optionalString("prefix", "courier", problems)).isEmpty();
        assertThat(messages()).containsExactly("courier.yaml:1:7: name: \"\" (expected: a non-empty string)");
    }

    @Test
    void aValueOfTheWrongKindIsReportedWithWhatWasFound() throws ConfigException {
        ConfigNode root = parse("name: [a, b]\nserver: {host: zabbix}\nsinks: zabbix\n");

        root.requiredString("name", problems);
        root.requiredHostPort("server", 10051, problems);
        assertThat(root.requiredList("sinks", problems)).isEmpty();

        assertThat(messages()).containsExactly(
                "courier.yaml:1:7: name: a list (expected: a non-empty string)",
                "courier.yaml:2:9: server: a mapping"
                        + " (expected: host:port such as zabbix.example.com:10051 or [::1]:10051)",
                "courier.yaml:3:8: sinks: \"zabbix\" (expected: a list)");
    }

    @Test
    void readingFromANodeThatIsNoMappingIsReportedOnce() throws ConfigException {
        ConfigNode sink = parse("sinks:\n  - zabbix\n").requiredList("sinks", problems).get(0);

        sink.expectKeys(problems, "name", "type");
        sink.requiredString("name", problems);
        sink.requiredString("type", problems);

        assertThat(messages()).containsExactly("courier.yaml:2:5: sinks[0]: \"zabbix\" (expected: a mapping)");
    }

    @Test
    void reportsUnknownKeysAtTheKeyAndNamesTheKnownOnes() throws ConfigException {
        ConfigNode root = parse("""
                sinks:
                  - name: primary
                    servr: zabbix:10051
                    pasword: hunter2
                """);
        ConfigNode sink = root.requiredList("sinks", problems).get(0);

        sink.expectKeys(problems, "name", "type", "server", "host", "password");

        assertThat(messages()).containsExactly(
                "courier.yaml:3:5: sinks[0].servr: unknown key"
                        + " (expected: one of name, type, server, host, password)",
                "courier.yaml:4:5: sinks[0].pasword: unknown key"
                        + " (expected: one of name, type, server, host, password)");
        assertThat(String.join("\n", messages())).doesNotContain("hunter2");
    }

    @Test
    void anOptionalSectionThatIsAbsentReadsAsAnEmptyMappingWithDefaults() throws ConfigException {
        ConfigNode root = parse("sinks: []\n");

        ConfigNode admin = root.optionalMapping("admin", problems);

        assertThat(admin.isMapping()).isTrue();
        assertThat(admin.path()).isEqualTo("admin");
        assertThat(admin.optionalHostPort("listen", 0, HostPort.of("127.0.0.1", 8080), problems))
                .isEqualTo(HostPort.of("127.0.0.1", 8080));
        assertThat(problems.isEmpty()).isTrue();
    }

    @Test
    void aMissingRequiredSectionIsReportedOnce() throws ConfigException {
        ConfigNode root = parse("sinks: []\n");

        ConfigNode admin = root.requiredMapping("admin", problems);
        admin.optionalInt("port", 1, 65535, 8080, problems);

        assertThat(messages()).containsExactly("courier.yaml:1:1: admin: missing (expected: a mapping)");
    }

    @Test
    void readsIntegersOnlyWithinTheirRange() throws ConfigException {
        ConfigNode root = parse("a: 7\nb: -3\nc: 65536\nd: 12345678901234\ne: 1.5\nf: 0x10\n");

        assertThat(root.requiredInt("a", 1, 10, problems)).isEqualTo(7);
        assertThat(root.requiredInt("b", -5, 5, problems)).isEqualTo(-3);
        assertThat(root.requiredInt("c", 1, 65535, problems)).isNull();
        assertThat(root.requiredInt("d", 1, Integer.MAX_VALUE, problems)).isNull();
        assertThat(root.optionalInt("e", 1, 10, 4, problems)).isEqualTo(4);
        assertThat(root.optionalInt("f", 1, 100, 4, problems)).isEqualTo(4);
        assertThat(messages()).containsExactly(
                "courier.yaml:3:4: c: \"65536\" (expected: an integer from 1 to 65535)",
                "courier.yaml:4:4: d: \"12345678901234\" (expected: an integer from 1 to 2147483647)",
                "courier.yaml:5:4: e: \"1.5\" (expected: an integer from 1 to 10)",
                "courier.yaml:6:4: f: \"0x10\" (expected: an integer from 1 to 100)");
    }

    @Test
    void readsDurationsSizesAndAddresses() throws ConfigException {
        ConfigNode root = parse("""
                interval: 1m
                retention: 2d
                ledger: 1GiB
                segment: 512KiB
                graphite: graphite.example.com:2003
                zabbix: "[::1]:10051"
                """);

        assertThat(root.requiredDuration("interval", problems)).isEqualTo(Duration.ofMinutes(1));
        assertThat(root.requiredDuration("retention", problems)).isEqualTo(Duration.ofDays(2));
        assertThat(root.requiredSize("ledger", problems)).isEqualTo(ByteSize.ofBytes(1L << 30));
        assertThat(root.requiredSize("segment", problems)).isEqualTo(ByteSize.ofBytes(512 * 1024));
        assertThat(root.requiredHostPort("graphite", 0, problems)).isEqualTo(HostPort.of("graphite.example.com", 2003));
        assertThat(root.requiredHostPort("zabbix", 0, problems)).isEqualTo(HostPort.of("::1", 10051));
        assertThat(problems.isEmpty()).isTrue();
    }

    @Test
    void refusesABareNumberAsADuration() throws ConfigException {
        ConfigNode root = parse("timeout: 10\n");

        assertThat(root.optionalDuration("timeout", Duration.ofSeconds(5), problems)).isEqualTo(Duration.ofSeconds(5));
        assertThat(messages()).containsExactly("courier.yaml:1:10: timeout: \"10\""
                + " (expected: a duration with a unit such as 10s, 250ms, 1m, 1h or 2d)");
    }

    @Test
    void readsBooleansAsTrueOrFalseOnly() throws ConfigException {
        ConfigNode root = parse("a: true\nb: False\nc: on\n");

        assertThat(root.requiredBoolean("a", problems)).isTrue();
        assertThat(root.requiredBoolean("b", problems)).isFalse();
        assertThat(root.requiredBoolean("c", problems)).isNull();
        assertThat(messages()).containsExactly("courier.yaml:3:4: c: \"on\" (expected: true or false)");
    }

    @Test
    void readsHttpAndHttpsUrlsOnly() throws ConfigException {
        ConfigNode root = parse("a: http://localhost:8086/write\nb: HTTPS://example.com\nc: localhost:8086\n"
                + "d: https://\ne: 'http://exa mple.com'\n");

        assertThat(root.requiredUrl("a", problems)).isEqualTo(URI.create("http://localhost:8086/write"));
        assertThat(root.requiredUrl("b", problems)).isEqualTo(URI.create("HTTPS://example.com"));
        assertThat(root.requiredUrl("c", problems)).isNull();
        assertThat(root.requiredUrl("d", problems)).isNull();
        assertThat(root.requiredUrl("e", problems)).isNull();
        assertThat(problems.count()).isEqualTo(3);
    }

    @Test
    void readsAChoiceFromTheAllowedStrings() throws ConfigException {
        ConfigNode root = parse("type: graphite\nformat: Plaintext\n");

        assertThat(root.requiredChoice("type", SINK_TYPES, problems)).isEqualTo("graphite");
        assertThat(root.optionalChoice("format", List.of("plaintext", "pickle"), "plaintext", problems))
                .isEqualTo("plaintext");
        assertThat(messages()).containsExactly(
                "courier.yaml:2:9: format: \"Plaintext\" (expected: one of plaintext, pickle)");
    }

    @Test
    void readsAListOfStrings() throws ConfigException {
        ConfigNode root = parse("tags: [a, \"b\", 3, [x]]\n");

        assertThat(root.optionalStringList("tags", problems)).containsExactly("a", "b", "3");
        assertThat(root.optionalStringList("absent", problems)).isEmpty();
        assertThat(messages()).containsExactly("courier.yaml:1:19: tags[3]: a list (expected: a string)");
    }

    @Test
    void aSecretsValueNeverAppearsInAProblemOrItsToString() throws ConfigException {
        ConfigNode root = parse("psk: ${ZBX_PSK_VALUE}\nempty: \"\"\nlisted: [s3cr3t]\n");

        Secret psk = root.requiredSecret("psk", problems);
        root.requiredSecret("empty", problems);
        root.requiredSecret("listed", problems);

        assertThat(psk.reveal()).isEqualTo("0123456789abcdef");
        assertThat(psk).hasToString("******");
        assertThat(messages()).hasSize(2).allSatisfy(m -> assertThat(m).doesNotContain("s3cr3t"));
    }
}
