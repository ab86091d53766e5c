package dev.concierge.courier.sinks.file;

import dev.concierge.courier.core.naming.NameEscaping;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

class FileSinkConfigTest {

    private static Map<String, Object> sampleYaml() throws IOException {
        try (InputStream in = FileSinkConfig.class.getResourceAsStream("sample.yaml")) {
            assertThat(in).as("sample.yaml beside the package").isNotNull();
            return new Yaml().load(in);
        }
    }

    @Test
    void sampleYamlDocumentsEveryKeyWithTheDefaults() throws IOException {
        Map<String, Object> yaml = sampleYaml();

        assertThat(yaml).containsOnlyKeys("name", "type", "path", "host", "fsync", "max_batch_size", "rotate_size",
                "name_escaping");
        assertThat(yaml.get("name_escaping")).isEqualTo(NameEscaping.DEFAULT.configName());
        assertThat(yaml.get("type")).isEqualTo("file");
        assertThat(yaml.get("rotate_size")).isNull();
        FileSinkConfig fromYaml = new FileSinkConfig(yaml.get("name").toString(), Path.of(yaml.get("path").toString()),
                (String) yaml.get("host"), FileSinkConfig.Fsync.ofConfigName(yaml.get("fsync").toString()),
                (Integer) yaml.get("max_batch_size"), FileSinkConfig.DEFAULT_ROTATE_SIZE);
        assertThat(fromYaml).isEqualTo(FileSinkConfig.of("zabbix-file", Path.of("/var/spool/courier/zabbix-values.txt")));
    }

    @Test
    void defaultsLiveInOnePlace() {
        FileSinkConfig c = FileSinkConfig.of("f", Path.of("/tmp/values.txt"));

        assertThat(c.host()).isNull();
        assertThat(c.fsync()).isEqualTo(FileSinkConfig.Fsync.EVERY_BATCH);
        assertThat(c.maxBatchSize()).isEqualTo(1000);
        assertThat(c.rotateSize()).isZero();
        assertThat(FileSinkConfig.Fsync.configNames()).containsExactly("every_batch", "none");
    }

    @Test
    void reportsEveryProblemAtOnce() {
        assertThatThrownBy(() -> new FileSinkConfig(" ", Path.of("relative.txt"), "-", null, 0, -1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("invalid file sink \" \":"
                        + "\n  name: \" \" (expected: a non-empty name)"
                        + "\n  path: \"relative.txt\" (expected: an absolute path to a file)"
                        + "\n  host: \"-\" (expected: absent, or 1..128 characters, ZBX_MAX_HOSTNAME_LEN, and not \"-\", which zabbix_sender replaces)"
                        + "\n  fsync: null (expected: one of every_batch, none)"
                        + "\n  max_batch_size: 0 (expected: 1..100000)"
                        + "\n  rotate_size: -1 bytes (expected: more than 0, or absent for no rotation)");
    }

    @Test
    void refusesTheRootAsAFile() {
        assertThatThrownBy(() -> FileSinkConfig.of("f", Path.of("/")))
                .hasMessageContaining("path: \"/\" (expected: an absolute path to a file)");
    }
}
