package dev.concierge.courier.app.wiring;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The signs of a container, read from a file system root of the test's making. */
class ContainerEnvironmentTest {
    @TempDir
    Path root;

    @Test
    void aPlainMachineIsNoContainer() {
        ContainerEnvironment environment = ContainerEnvironment.detect(root, Map.of(), "web-01");

        assertThat(environment.inContainer()).isFalse();
        assertThat(environment.hostNameIsEphemeral()).isFalse();
    }

    @Test
    void dockerIsFoundByItsDockerenvAndItsIdAsHostName() throws IOException {
        Files.createFile(root.resolve(".dockerenv"));

        ContainerEnvironment environment = ContainerEnvironment.detect(root, Map.of(), "3f2a9c1d7e4b");

        assertThat(environment.sign()).contains("/.dockerenv");
        assertThat(environment.hostNameIs()).contains("this container's id");
    }

    @Test
    void aContainerWithAHostNameChosenOnPurposeIsLeftAlone() throws IOException {
        Files.createFile(root.resolve(".dockerenv"));

        ContainerEnvironment environment = ContainerEnvironment.detect(root, Map.of(), "app-01");

        assertThat(environment.inContainer()).isTrue();
        assertThat(environment.hostNameIsEphemeral()).isFalse();
    }

    @Test
    void podmanIsFoundByItsContainerenv() throws IOException {
        Files.createDirectories(root.resolve("run"));
        Files.createFile(root.resolve("run/.containerenv"));

        assertThat(ContainerEnvironment.detect(root, Map.of(), "app-01").sign()).contains("/run/.containerenv");
    }

    @Test
    void aKubernetesPodIsFoundByItsServiceHostAndItsNameIsEphemeral() {
        ContainerEnvironment environment = ContainerEnvironment.detect(root,
                Map.of("KUBERNETES_SERVICE_HOST", "10.96.0.1"), "orders-7d9f8c6b5-xk2lp");

        assertThat(environment.sign()).contains("KUBERNETES_SERVICE_HOST");
        assertThat(environment.hostNameIs()).contains("this pod's name, which changes with every new pod");
    }

    @Test
    void aRuntimeInTheFirstProcesssCgroupIsASign() throws IOException {
        Files.createDirectories(root.resolve("proc/1"));
        Files.writeString(root.resolve("proc/1/cgroup"), "12:memory:/docker/3f2a9c1d7e4b5a6f\n0::/\n");

        assertThat(ContainerEnvironment.detect(root, Map.of(), "app-01").sign()).contains("/proc/1/cgroup");
    }

    @Test
    void aHostNameOfTwelveHexDigitsIsASignByItself() {
        ContainerEnvironment environment = ContainerEnvironment.detect(root, Map.of(), "3f2a9c1d7e4b");

        assertThat(environment.sign()).contains("host name 3f2a9c1d7e4b, a container id");
        assertThat(environment.hostNameIsEphemeral()).isTrue();
    }
}
