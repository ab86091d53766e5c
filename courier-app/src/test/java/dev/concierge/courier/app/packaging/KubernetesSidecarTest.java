package dev.concierge.courier.app.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.concierge.courier.app.config.YamlConfigParser;
import dev.concierge.courier.app.wiring.ConfigCheck;
import dev.concierge.courier.app.wiring.ContainerEnvironment;
import dev.concierge.courier.app.wiring.CourierConfig;
import dev.concierge.courier.app.wiring.PluginCatalog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/**
 * {@code packaging/kubernetes/courier-sidecar.yaml}, validated as far as this machine allows (no cluster, no
 * schema validator): its structure is a native sidecar's, its probes reach the admin endpoint its configuration
 * sets up, its paths are those of the image's installed layout, and its configuration passes {@code check}.
 */
@SuppressWarnings("unchecked")
class KubernetesSidecarTest {
    private static final Path PACKAGING = Path.of("..", "packaging").toAbsolutePath().normalize();

    @TempDir
    Path dir;

    private Map<String, Object> configMap;
    private Map<String, Object> pod;
    private Map<String, Object> courier;

    private static Map<String, Object> map(Object value) {
        assertThat(value).isInstanceOf(Map.class);
        return (Map<String, Object>) value;
    }

    private static List<Map<String, Object>> list(Object value) {
        assertThat(value).isInstanceOf(List.class);
        return (List<Map<String, Object>>) value;
    }

    @BeforeEach
    void parse() throws IOException {
        List<Map<String, Object>> documents = new ArrayList<>();
        for (Object document : new Yaml().loadAll(Files.readString(PACKAGING.resolve("kubernetes/courier-sidecar.yaml")))) {
            documents.add(map(document));
        }
        assertThat(documents).extracting(d -> d.get("kind")).containsExactly("ConfigMap", "Deployment");
        configMap = documents.get(0);
        Map<String, Object> deployment = documents.get(1);
        assertThat(deployment.get("apiVersion")).isEqualTo("apps/v1");
        Map<String, Object> spec = map(deployment.get("spec"));
        Map<String, Object> template = map(spec.get("template"));
        assertThat(map(map(spec.get("selector")).get("matchLabels")))
                .isEqualTo(map(map(template.get("metadata")).get("labels")));
        pod = map(template.get("spec"));
        List<Map<String, Object>> initContainers = list(pod.get("initContainers"));
        assertThat(initContainers).hasSize(1);
        courier = initContainers.get(0);
    }

    @Test
    void theCourierIsANativeSidecarBesideTheApplication() {
        // An init container that restarts Always is a sidecar: started first, kept running, stopped last.
        assertThat(courier.get("restartPolicy")).isEqualTo("Always");
        assertThat(list(pod.get("containers"))).extracting(c -> c.get("name")).containsExactly("app");
    }

    /** The port a probe names, by number or by the name of one of the courier's container ports. */
    private int probePort(String probe) {
        Object port = map(map(courier.get(probe)).get("httpGet")).get("port");
        if (port instanceof Integer number) {
            return number;
        }
        return list(courier.get("ports")).stream().filter(p -> port.equals(p.get("name")))
                .map(p -> (Integer) p.get("containerPort")).findFirst().orElseThrow();
    }

    private String probePath(String probe) {
        return (String) map(map(courier.get(probe)).get("httpGet")).get("path");
    }

    /** The environment the container gives the courier; a secret's value stands in as a placeholder. */
    private Map<String, String> environment() {
        Map<String, String> env = new HashMap<>();
        for (Map<String, Object> variable : list(courier.get("env"))) {
            env.put((String) variable.get("name"),
                    variable.containsKey("value") ? (String) variable.get("value") : "secret-from-" + variable.get("name"));
        }
        return env;
    }

    /** The configuration as the container reads it, at the path its arguments name, from the mounted ConfigMap. */
    private Path mountedConfiguration() throws IOException {
        List<String> args = (List<String>) courier.get("args");
        assertThat(args.subList(0, 2)).containsExactly("run", "--config");
        Path config = Path.of(args.get(2));
        Map<String, Object> mount = list(courier.get("volumeMounts")).stream()
                .filter(m -> config.startsWith((String) m.get("mountPath"))).findFirst().orElseThrow();
        Map<String, Object> volume = list(pod.get("volumes")).stream()
                .filter(v -> v.get("name").equals(mount.get("name"))).findFirst().orElseThrow();
        assertThat(map(volume.get("configMap")).get("name")).isEqualTo(map(configMap.get("metadata")).get("name"));
        String key = Path.of((String) mount.get("mountPath")).relativize(config).toString();
        String yaml = (String) map(configMap.get("data")).get(key);
        assertThat(yaml).as("the ConfigMap's %s", key).isNotNull();
        Path file = dir.resolve(key);
        Files.writeString(file, yaml.replace("data_dir: /var/lib/courier", "data_dir: " + dir.resolve("data")));
        return file;
    }

    @Test
    void probesAskHealthAndReadyOnTheAdminEndpointsPort() throws Exception {
        CourierConfig config = CourierConfig.load(new YamlConfigParser(environment()), mountedConfiguration());

        assertThat(config.admin()).as("an admin endpoint").isNotNull();
        // The kubelet probes the pod's address: a loopback listener would never answer it.
        assertThat(config.admin().host()).isEqualTo("0.0.0.0");
        for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
            assertThat(probePort(probe)).as(probe).isEqualTo(config.admin().port());
        }
        assertThat(probePath("startupProbe")).isEqualTo("/health");
        assertThat(probePath("livenessProbe")).isEqualTo("/health");
        assertThat(probePath("readinessProbe")).isEqualTo("/ready");
    }

    @Test
    void theConfigurationPassesCheckInAPodWithoutAHostWarning() throws Exception {
        ContainerEnvironment pod = ContainerEnvironment.detect(dir, Map.of("KUBERNETES_SERVICE_HOST", "10.96.0.1"),
                "orders-7d9f8c6b5-xk2lp");

        ConfigCheck.Result result = ConfigCheck.run(new YamlConfigParser(environment()), mountedConfiguration(),
                PluginCatalog.load(), pod);

        assertThat(result.warnings()).isEmpty();
    }

    @Test
    void pathsAndUserAreThoseOfTheImagesInstalledLayout() throws IOException {
        String dockerfile = Files.readString(PACKAGING.resolve("docker/Dockerfile"));
        Map<String, String> mounts = new HashMap<>();
        for (Map<String, Object> mount : list(courier.get("volumeMounts"))) {
            mounts.put((String) mount.get("mountPath"), (String) mount.get("name"));
        }

        // No command: the image's entrypoint, bin/courier of the installed layout, takes the arguments.
        assertThat(courier).doesNotContainKey("command");
        assertThat(dockerfile).contains("ENTRYPOINT [\"/opt/courier/bin/courier\"]");
        // With a read-only root, what the courier writes is mounted: its data_dir and the image's COURIER_CDS_DIR.
        assertThat(map(courier.get("securityContext")).get("readOnlyRootFilesystem")).isEqualTo(true);
        assertThat(dockerfile).contains("COURIER_CDS_DIR=/var/cache/courier");
        assertThat(mounts).containsKeys("/var/lib/courier", "/var/cache/courier");
        assertThat((String) map(configMap.get("data")).get("courier.yaml")).contains("data_dir: /var/lib/courier");
        // runAsNonRoot needs a numeric user in the image to verify.
        assertThat(map(courier.get("securityContext"))).containsEntry("runAsNonRoot", true)
                .containsEntry("runAsUser", 10001);
        assertThat(dockerfile).contains("USER 10001:10001");
    }
}
