package dev.concierge.courier.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code COURIER_PROFILE=sidecar bin/courier}: the JVM flags it starts {@code run} with, read back from the
 * JVM itself ({@code -XX:+PrintCommandLineFlags}), on a copy of the launcher and a jar of the built classes.
 */
class SidecarProfileTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @TempDir
    Path dir;

    @BeforeEach
    void launcher() throws IOException {
        Files.createDirectories(dir.resolve("bin"));
        Files.createDirectories(dir.resolve("courier-app/target"));
        Files.copy(ROOT.resolve("bin/courier"), dir.resolve("bin/courier"));
        dir.resolve("bin/courier").toFile().setExecutable(true);
        Path jar = DiscoverLauncherTest.launcherJar(dir);
        Files.move(jar, dir.resolve("courier-app/target/courier.jar"));
    }

    @Test
    void runGetsTheSerialCollectorAndAFixed64MiBHeap() throws Exception {
        String flags = launch("sidecar", "run", "--help");

        assertThat(flags).contains("-XX:+UseSerialGC", "-XX:MaxHeapSize=67108864", "-XX:InitialHeapSize=67108864");
    }

    @Test
    void sendKeepsItsFastStartFlags() throws Exception {
        String flags = launch("sidecar", "send", "--help");

        assertThat(flags).contains("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC")
                .doesNotContain("-XX:MaxHeapSize=67108864");
    }

    @Test
    void anUnknownProfileIsRefusedNamingTheKnownOnes() throws Exception {
        Process process = start("large", "run", "--help");

        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isEqualTo(2);
        assertThat(new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                .contains("COURIER_PROFILE: large (expected: small, sidecar, or unset)");
    }

    private String launch(String profile, String... args) throws Exception {
        Process process = start(profile, args);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the courier answered").isTrue();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as("exit code; output:%n%s", output).isZero();
        return output.lines().filter(line -> line.startsWith("-XX:")).findFirst().orElse("");
    }

    private Process start(String profile, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(dir.resolve("bin/courier").toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("COURIER_PROFILE", profile);
        builder.environment().put("COURIER_JAVA_OPTS", "-XX:+PrintCommandLineFlags");
        builder.environment().put("COURIER_CDS", "off");
        return builder.start();
    }
}
