package dev.concierge.courier.app.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import dev.concierge.courier.sinks.zabbix.trapper.ZabbixTrapperReceiver;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/courier send} on JDK 25, from an installed layout ({@code bin/courier}, {@code lib/courier.jar}):
 * nothing on stderr, a training send writes an AOT cache next to the jar, and the next send uses it.
 */
class SendLauncherTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @TempDir
    Path dir;

    @Test
    void onJdk25SendsQuietlyAndUsesTheAotCacheItsTrainingWrote() throws Exception {
        Optional<Path> jdk25 = jdk(25);
        assumeThat(jdk25).as("a JDK 25 under /usr/lib/jvm").isPresent();
        Files.createDirectories(dir.resolve("bin"));
        Path launcher = Files.copy(ROOT.resolve("bin/courier"), dir.resolve("bin/courier"));
        Path lib = Files.createDirectories(dir.resolve("lib"));
        Files.move(DiscoverLauncherTest.launcherJar(lib), lib.resolve("courier.jar"));
        Path classLog = dir.resolve("classes.log");

        try (ZabbixTrapperReceiver trapper = ZabbixTrapperReceiver.create()) {
            List<String> send = List.of(launcher.toString(), "send", "-z", "127.0.0.1", "-p",
                    Integer.toString(trapper.port()), "-s", "web-01", "-k", "app.key", "-o", "42");
            Result first = run(send, Map.of("JAVA_HOME", jdk25.get().toString()));
            assertThat(first.exitCode()).as(first.out()).isZero();
            assertThat(first.err()).isEmpty();

            await().atMost(Duration.ofMinutes(4)).until(() -> aotCache(lib).isPresent());
            Result second = run(send, Map.of("JAVA_HOME", jdk25.get().toString(),
                    "COURIER_JAVA_OPTS", "-Xlog:class+load:file=" + classLog));
            assertThat(second.exitCode()).as(second.out()).isZero();
            assertThat(second.err()).isEmpty();
            assertThat(trapper.rows()).hasSize(2);
        }
        List<String> loaded = Files.readAllLines(classLog);
        assertThat(loaded.stream().filter(line -> line.contains("ZabbixSend source: shared objects file")))
                .as("ZabbixSend from the AOT cache").hasSize(1);
    }

    private static Optional<Path> jdk(int feature) throws IOException {
        Path jvms = Path.of("/usr/lib/jvm");
        if (!Files.isDirectory(jvms)) {
            return Optional.empty();
        }
        try (Stream<Path> homes = Files.list(jvms)) {
            return homes.filter(home -> Files.isExecutable(home.resolve("bin/java")))
                    .filter(home -> releaseOf(home).startsWith("JAVA_VERSION=\"" + feature + "."))
                    .findFirst();
        }
    }

    private static String releaseOf(Path home) {
        try {
            return Files.readAllLines(home.resolve("release")).stream()
                    .filter(line -> line.startsWith("JAVA_VERSION=")).findFirst().orElse("");
        } catch (IOException e) {
            return "";
        }
    }

    private static Optional<Path> aotCache(Path lib) throws IOException {
        try (Stream<Path> files = Files.list(lib)) {
            return files.filter(file -> file.getFileName().toString().matches("courier-send-\\d+\\.aot")).findFirst();
        }
    }

    private record Result(int exitCode, String out, String err) {
    }

    private Result run(List<String> command, Map<String, String> env) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectOutput(dir.resolve("out.txt").toFile()).redirectError(dir.resolve("err.txt").toFile());
        builder.environment().putAll(env);
        Process process = builder.start();
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("the send finished").isTrue();
        return new Result(process.exitValue(), Files.readString(dir.resolve("out.txt"), StandardCharsets.UTF_8),
                Files.readString(dir.resolve("err.txt"), StandardCharsets.UTF_8));
    }
}
