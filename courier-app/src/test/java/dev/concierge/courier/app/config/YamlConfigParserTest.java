package dev.concierge.courier.app.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class YamlConfigParserTest {
    private final ConfigProblems problems = new ConfigProblems();
    private final YamlConfigParser parser = new YamlConfigParser(Map.of("ZBX_HOST", "zabbix.example.com"));

    private ConfigNode parse(String yaml) throws ConfigException {
        return parser.parse("courier.yaml", yaml, problems);
    }

    @Test
    void everyNodeKnowsItsPathAndOneBasedPosition() throws ConfigException {
        ConfigNode root = parse("""
                sinks:
                  - name: primary
                    server: zabbix:10051
                  - name: backup
                    tags: [a, "b"]
                """);

        ConfigNode sinks = root.child("sinks").orElseThrow();
        ConfigNode backup = sinks.elements().get(1);
        ConfigNode server = sinks.elements().get(0).child("server").orElseThrow();
        ConfigNode tag = backup.child("tags").orElseThrow().elements().get(1);

        assertThat(root.path()).isEmpty();
        assertThat(root.position()).isEqualTo(SourcePosition.of("courier.yaml", 1, 1));
        assertThat(sinks.path()).isEqualTo("sinks");
        assertThat(sinks.position()).hasToString("courier.yaml:2:3");
        assertThat(server.path()).isEqualTo("sinks[0].server");
        assertThat(server.position()).hasToString("courier.yaml:3:13");
        assertThat(server.text()).isEqualTo("zabbix:10051");
        assertThat(backup.path()).isEqualTo("sinks[1]");
        assertThat(backup.position()).hasToString("courier.yaml:4:5");
        assertThat(tag.path()).isEqualTo("sinks[1].tags[1]");
        assertThat(tag.position()).hasToString("courier.yaml:5:15");
        assertThat(problems.isEmpty()).isTrue();
    }

    @Test
    void keepsMappingKeysInDocumentOrder() throws ConfigException {
        ConfigNode root = parse("zeta: 1\nalpha: 2\nmid: 3\n");

        assertThat(root.keys()).containsExactly("zeta", "alpha", "mid");
    }

    @Test
    void quotesKeysThatAreNotPlainInPaths() throws ConfigException {
        ConfigNode root = parse("labels:\n  \"app.kubernetes.io/name\": courier\n");

        assertThat(root.child("labels").orElseThrow().child("app.kubernetes.io/name").orElseThrow().path())
                .isEqualTo("labels[\"app.kubernetes.io/name\"]");
    }

    @Test
    void treatsYamlNullAsANullScalar() throws ConfigException {
        ConfigNode root = parse("a:\nb: ~\nc: null\nd: \"null\"\n");

        assertThat(root.child("a").orElseThrow().isNull()).isTrue();
        assertThat(root.child("b").orElseThrow().isNull()).isTrue();
        assertThat(root.child("c").orElseThrow().isNull()).isTrue();
        assertThat(root.child("d").orElseThrow().isNull()).isFalse();
        assertThat(root.child("d").orElseThrow().text()).isEqualTo("null");
    }

    @Test
    void anEmptyDocumentIsAnEmptyMapping() throws ConfigException {
        ConfigNode root = parse("# nothing configured yet\n");

        assertThat(root.isMapping()).isTrue();
        assertThat(root.keys()).isEmpty();
        assertThat(root.position()).hasToString("courier.yaml:1:1");
    }

    @Test
    void reportsADuplicateKeyAtTheSecondOccurrenceAndKeepsTheFirst() throws ConfigException {
        ConfigNode root = parse("""
                sinks:
                  - name: primary
                    type: zabbix
                    name: secondary
                """);

        assertThat(problems.sorted()).extracting(ConfigProblem::message).containsExactly(
                "courier.yaml:4:5: sinks[0].name: duplicate key, first written at line 2 column 5"
                        + " (expected: each key once per mapping)");
        assertThat(root.child("sinks").orElseThrow().elements().get(0).child("name").orElseThrow().text())
                .isEqualTo("primary");
    }

    @Test
    void interpolatesScalarValuesButNotKeys() throws ConfigException {
        ConfigNode root = parse("server: ${ZBX_HOST}:10051\n${ZBX_HOST}: literal\n");

        assertThat(root.child("server").orElseThrow().text()).isEqualTo("zabbix.example.com:10051");
        assertThat(root.keys()).containsExactly("server", "${ZBX_HOST}");
        assertThat(problems.isEmpty()).isTrue();
    }

    @Test
    void interpolationProblemsCarryTheScalarsPosition() throws ConfigException {
        parse("""
                sinks:
                  - name: primary
                    psk: ${ZBX_PSK:?set ZBX_PSK to the pre-shared key}
                    host: ${COURIER_HOST}
                """);

        assertThat(problems.sorted()).extracting(ConfigProblem::message).containsExactly(
                "courier.yaml:3:10: sinks[0].psk: set ZBX_PSK to the pre-shared key"
                        + " (expected: ZBX_PSK set to a non-empty value)",
                "courier.yaml:4:11: sinks[0].host: COURIER_HOST is not set"
                        + " (expected: COURIER_HOST set in the environment, or a default as ${COURIER_HOST:-default})");
    }

    @Test
    void acceptsAnchorsAliasesAndMergeKeys() throws ConfigException {
        ConfigNode root = parse("""
                defaults: &zabbix
                  type: zabbix
                  timeout: 10s
                sinks:
                  - <<: *zabbix
                    name: primary
                    timeout: 5s
                  - name: copy
                    settings: *zabbix
                """);

        ConfigNode primary = root.child("sinks").orElseThrow().elements().get(0);
        ConfigNode copy = root.child("sinks").orElseThrow().elements().get(1).child("settings").orElseThrow();

        assertThat(primary.keys()).containsExactlyInAnyOrder("type", "timeout", "name");
        assertThat(primary.child("timeout").orElseThrow().text()).isEqualTo("5s");
        assertThat(primary.child("type").orElseThrow().text()).isEqualTo("zabbix");
        assertThat(primary.child("type").orElseThrow().path()).isEqualTo("sinks[0].type");
        assertThat(primary.child("type").orElseThrow().position()).hasToString("courier.yaml:2:9");
        assertThat(copy.child("timeout").orElseThrow().path()).isEqualTo("sinks[1].settings.timeout");
        assertThat(problems.isEmpty()).isTrue();
    }

    @Test
    void reportsAMergeKeyThatIsNotAMapping() throws ConfigException {
        parse("a: &x 1\nb:\n  <<: *x\n");

        assertThat(problems.sorted()).extracting(ConfigProblem::message).singleElement().asString()
                .startsWith("courier.yaml:1:4: b: a merge key with a scalar (expected: << followed by a mapping");
    }

    @Test
    void reportsARecursiveAliasInsteadOfLoopingForever() throws ConfigException {
        parse("loop: &self\n  - *self\n");

        // An alias is the anchored node itself, so the position is the anchor's; the path says where it recurs.
        assertThat(problems.sorted()).extracting(ConfigProblem::message).containsExactly(
                "courier.yaml:1:7: loop[0]: an alias that contains itself"
                        + " (expected: an alias to a node that does not include the alias)");
    }

    @Test
    void aSyntaxErrorBecomesAConfigExceptionWithLineAndColumn() {
        assertThatThrownBy(() -> parse("""
                sinks:
                  - name: primary
                    server: [zabbix:10051
                  - name: backup
                """))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("courier.yaml:4:9: invalid YAML: expected ',' or ']', but got :")
                .hasMessageContaining("while parsing a flow sequence at line 3 column 13")
                .hasMessageEndingWith("(expected: well-formed YAML)");
    }

    @Test
    void aBadIndentIsReportedWhereItHappens() {
        assertThatThrownBy(() -> parse("a: 1\n b: 2\n"))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems()).singleElement()
                        .extracting(ConfigProblem::position).hasToString("courier.yaml:2:3"));
    }

    @Test
    void aSyntaxErrorIsListedWithProblemsFoundEarlier() {
        problems.add(SourcePosition.of("other.yaml", 1, 1), "x", "y", "z");

        assertThatThrownBy(() -> parse("a: [\n"))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems()).hasSize(2));
    }

    @Test
    void rejectsSeveralDocumentsInOneFile() {
        assertThatThrownBy(() -> parse("a: 1\n---\nb: 2\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("courier.yaml:2:1: invalid YAML: ");
    }

    @Test
    void aMissingFileIsAConfigExceptionNamingTheFile() {
        Path missing = Path.of("does-not-exist", "courier.yaml");

        assertThatThrownBy(() -> parser.parse(missing, problems))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(missing + ": cannot be read: ")
                .hasMessageEndingWith("(expected: a readable UTF-8 YAML file)");
    }
}
