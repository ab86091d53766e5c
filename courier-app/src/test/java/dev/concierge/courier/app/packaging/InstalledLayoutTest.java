package dev.concierge.courier.app.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import dev.concierge.courier.app.testing.ExpositionServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/**
 * The installed layout, {@code courier-app/target/courier.tar.gz}, unpacked into a temporary prefix as an
 * operator would into {@code /opt/courier}, and run from there as the README's {@code UserParameter} runs it.
 * Runs in the integration-test phase, after the package phase built the archive.
 */
class InstalledLayoutTest {
    private static final Path ARCHIVE = Path.of("target", "courier.tar.gz").toAbsolutePath();
    private static final String DROPWIZARD = """
            {"version":"4.0.0","gauges":{},"counters":{},"histograms":{},"meters":{},
             "timers":{"db.query":{"count":1},"http.get":{"count":2}}}""";

    @TempDir
    Path dir;

    private Path prefix;
    private Path mavenRan;

    @BeforeEach
    void install() throws Exception {
        assertThat(ARCHIVE).as("the package phase built the installed layout").isRegularFile();
        prefix = Files.createDirectories(dir.resolve("opt/courier"));
        run(List.of("tar", "-xzf", ARCHIVE.toString(), "-C", prefix.toString()), Map.of());
        // A mvn first on PATH that leaves a trace: an installed layout must never run Maven.
        Path fakeBin = Files.createDirectories(dir.resolve("fake-bin"));
        mavenRan = dir.resolve("maven-ran");
        Path mvn = fakeBin.resolve("mvn");
        Files.writeString(mvn, "#!/bin/sh\necho MAVEN OUTPUT\ntouch '" + mavenRan + "'\nexit 1\n");
        Files.setPosixFilePermissions(mvn, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private Map<String, String> environment(String... more) {
        Map<String, String> env = new HashMap<>(Map.of(
                "PATH", dir.resolve("fake-bin") + ":/usr/bin:/bin",
                "JAVA_HOME", System.getProperty("java.home"),
                "COURIER_CDS_DIR", dir.resolve("cds").toString(),
                "COURIER_DATA_DIR", dir.resolve("state").toString()));
        for (int i = 0; i < more.length; i += 2) {
            env.put(more[i], more[i + 1]);
        }
        return env;
    }

    @Test
    void unpacksToBinLibAndEtc() throws IOException {
        assertThat(prefix.resolve("bin/courier")).isExecutable();
        assertThat(prefix.resolve("lib/courier.jar")).isRegularFile();
        assertThat(prefix.resolve("etc/courier.yaml")).isRegularFile();
        try (Stream<Path> top = Files.list(prefix)) {
            assertThat(top.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("bin", "lib", "etc",
                    "README.md");
        }
    }

    @Test
    void theReadmesUserParameterCommandPrintsLldJsonAndNeverMaven() throws Exception {
        try (ExpositionServer app = ExpositionServer.serving(DROPWIZARD)) {
            Files.createDirectories(dir.resolve("cds"));
            // UserParameter=courier.discovery.url[*],/opt/courier/bin/courier discover --url http://127.0.0.1:8081/metrics --kind $1
            List<String> command = List.of(prefix.resolve("bin/courier").toString(), "discover", "--url",
                    "http://127.0.0.1:" + app.port() + "/metrics", "--kind", "timers");

            Result first = run(command, environment());
            // The first call writes the class-data archive in the background, into COURIER_CDS_DIR.
            await().atMost(Duration.ofSeconds(60)).until(() -> archives("courier-discover-").size() == 1);
            Result second = run(command, environment());

            String lld = "[{\"{#TIMER}\":\"db.query\"},{\"{#TIMER}\":\"http.get\"}]\n";
            assertThat(first.output()).isEqualTo(lld);
            assertThat(second.output()).isEqualTo(lld);
            assertThat(mavenRan).doesNotExist();
            try (Stream<Path> lib = Files.list(prefix.resolve("lib"))) {
                assertThat(lib.map(p -> p.getFileName().toString())).as("nothing written beside the jar")
                        .containsExactly("courier.jar");
            }
        }
    }

    @Test
    void runsThroughASymlinkElsewhere() throws Exception {
        Path link = Files.createDirectories(dir.resolve("usr/local/bin")).resolve("courier");
        Files.createSymbolicLink(link, prefix.resolve("bin/courier"));
        Path metrics = dir.resolve("metrics.json");
        Files.writeString(metrics, DROPWIZARD);

        Result result = run(List.of(link.toString(), "discover", "--file", metrics.toString(), "--kind", "timers"),
                environment("COURIER_CDS", "off"));

        assertThat(result.output()).isEqualTo("[{\"{#TIMER}\":\"db.query\"},{\"{#TIMER}\":\"http.get\"}]\n");
        assertThat(mavenRan).doesNotExist();
    }

    @Test
    void aLayoutWithoutItsJarSaysSoAndNeverRunsMaven() throws Exception {
        Files.delete(prefix.resolve("lib/courier.jar"));

        Process process = start(List.of(prefix.resolve("bin/courier").toString(), "discover", "--file", "x"),
                environment());

        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isEqualTo(1);
        assertThat(new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                .contains("lib/courier.jar is missing").doesNotContain("MAVEN");
        assertThat(mavenRan).doesNotExist();
    }

    @Test
    void theShippedExampleConfigurationPassesCheck() throws Exception {
        Result result = run(List.of(prefix.resolve("bin/courier").toString(), "check", "--config",
                prefix.resolve("etc/courier.yaml").toString()), environment("COURIER_CDS", "off"));

        assertThat(result.output()).startsWith("configuration OK: ");
    }

    private static final Path PACKAGING = Path.of("..", "packaging").toAbsolutePath().normalize();

    @Test
    void theSystemdUnitVerifiesAgainstTheInstalledLayout() throws Exception {
        assumeThat(Path.of("/usr/bin/systemd-analyze")).as("systemd-analyze installed").exists();
        // The unit as it would be with the layout in this prefix: its commands must exist and be executable.
        Path unit = dir.resolve("concierge-courier.service");
        Files.writeString(unit, Files.readString(PACKAGING.resolve("systemd/concierge-courier.service"))
                .replace("/opt/courier", prefix.toString()));

        Result result = run(List.of("systemd-analyze", "verify", unit.toString()), environment());

        assertThat(result.output()).doesNotContain("concierge-courier.service");
    }

    @Test
    void sysusersCreatesTheUnitsUserAndTmpfilesTheExamplesSpoolItMayWrite() throws Exception {
        assumeThat(Path.of("/usr/bin/systemd-sysusers")).as("systemd-sysusers installed").exists();
        Path root = Files.createDirectories(dir.resolve("root/etc")).getParent();
        String unit = Files.readString(PACKAGING.resolve("systemd/concierge-courier.service"));

        run(List.of("systemd-sysusers", "--root=" + root, PACKAGING.resolve("systemd/courier.sysusers").toString()),
                environment());
        run(List.of("systemd-tmpfiles", "--root=" + root, "--create",
                PACKAGING.resolve("systemd/courier.tmpfiles").toString()), environment());

        String user = unit.lines().filter(line -> line.startsWith("User=")).findFirst().orElseThrow().substring(5);
        String passwd = Files.readString(root.resolve("etc/passwd"));
        assertThat(passwd).startsWith(user + ":x:");
        int uid = Integer.parseInt(passwd.split(":")[2]);
        // Every directory the example's file sinks write to exists, belongs to that user, and the unit may write it.
        List<String> readWrite = unit.lines().filter(line -> line.startsWith("ReadWritePaths="))
                .flatMap(line -> Stream.of(line.substring("ReadWritePaths=".length()).split(" "))).toList();
        List<Path> spools = fileSinkDirectories(prefix.resolve("etc/courier.yaml"));
        assertThat(spools).isNotEmpty();
        for (Path spool : spools) {
            assertThat(readWrite).contains(spool.toString());
            Path created = root.resolve(Path.of("/").relativize(spool));
            assertThat(created).isDirectory();
            assertThat(Files.getAttribute(created, "unix:uid")).isEqualTo(uid);
        }
    }

    /** The directories of the {@code path} of every {@code type: file} sink in {@code config}. */
    @SuppressWarnings("unchecked")
    private static List<Path> fileSinkDirectories(Path config) throws IOException {
        Map<String, Object> yaml = new Yaml().load(Files.readString(config));
        List<Map<String, Object>> sinks = (List<Map<String, Object>>) yaml.get("sinks");
        return sinks.stream().filter(sink -> "file".equals(sink.get("type")))
                .map(sink -> Path.of((String) sink.get("path")).getParent()).toList();
    }

    private List<Path> archives(String prefixOfName) throws IOException {
        try (Stream<Path> files = Files.list(dir.resolve("cds"))) {
            return files.filter(f -> f.getFileName().toString().startsWith(prefixOfName)
                    && f.getFileName().toString().endsWith(".jsa")).toList();
        }
    }

    private record Result(String output) {
    }

    private Process start(List<String> command, Map<String, String> env) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true)
                .directory(dir.toFile());
        builder.environment().clear();
        builder.environment().putAll(env);
        return builder.start();
    }

    /** Runs to the end; stdout and stderr together, as a Zabbix agent takes them. */
    private Result run(List<String> command, Map<String, String> env) throws Exception {
        Process process = start(command, env);
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("%s finished", command).isTrue();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as("%s exit code; output:%n%s", command, output).isZero();
        return new Result(output);
    }
}
