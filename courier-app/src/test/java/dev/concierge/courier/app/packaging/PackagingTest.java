package dev.concierge.courier.app.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import dev.concierge.courier.app.CourierMain;
import dev.concierge.courier.app.wiring.Courier;
import dev.concierge.courier.app.wiring.CourierConfig;
import dev.concierge.courier.sinks.zabbix.trapper.ZabbixTrapperReceiver;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaging files, checked as far as this machine allows: no Docker engine and no systemd as PID 1. */
class PackagingTest {
    private static final Path PACKAGING = Path.of("..", "packaging").toAbsolutePath().normalize();

    @TempDir
    Path dir;

    private static String run(List<String> command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("%s finished", command).isTrue();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as("%s exit code; output:%n%s", command, output).isZero();
        return output;
    }

    private static String read(String file) throws IOException {
        return Files.readString(PACKAGING.resolve(file));
    }

    @Test
    void everyPackagingFileRunsBinCourierFromTheInstalledLayout() throws IOException {
        String dockerfile = read("docker/Dockerfile");
        String unit = read("systemd/concierge-courier.service");
        String job = read("containerpilot/containerpilot.json5");

        assertThat(dockerfile).contains("tar -xzf courier-app/target/courier.tar.gz -C /opt/courier")
                .contains("ENTRYPOINT [\"/opt/courier/bin/courier\"]");
        assertThat(unit.lines().filter(line -> line.startsWith("ExecStart")))
                .containsExactly("ExecStartPre=/opt/courier/bin/courier check --config /etc/courier/courier.yaml",
                        "ExecStart=/opt/courier/bin/courier run --config /etc/courier/courier.yaml");
        assertThat(job).contains("\"/opt/courier/bin/courier\", \"run\"");
        for (String file : List.of(dockerfile, unit, job)) {
            assertThat(file).as("no JVM started around bin/courier").doesNotContain("-jar").doesNotContain("java ");
        }
    }

    /** The HEALTHCHECK's command as the image's shell runs it, continuation lines joined. */
    private static String healthcheckCommand() throws IOException {
        String dockerfile = read("docker/Dockerfile").replace("\\\n", " ");
        String healthcheck = dockerfile.lines().filter(line -> line.startsWith("HEALTHCHECK")).findFirst()
                .orElseThrow();
        return healthcheck.substring(healthcheck.indexOf(" CMD ") + " CMD ".length()).trim();
    }

    private static int runHealthcheck(int port) throws Exception {
        ProcessBuilder builder = new ProcessBuilder("sh", "-c", healthcheckCommand()).redirectErrorStream(true);
        builder.environment().put("COURIER_ADMIN_PORT", Integer.toString(port));
        Process process = builder.start();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return process.exitValue();
    }

    @Test
    void dockerHealthcheckPassesAgainstARunningCouriersHealthAndFailsWithoutIt() throws Exception {
        Path metrics = dir.resolve("metrics.json");
        Files.writeString(metrics, "{\"version\":\"4.0.0\",\"gauges\":{},\"counters\":{},\"histograms\":{},"
                + "\"meters\":{},\"timers\":{}}");
        Path config = dir.resolve("courier.yaml");
        Files.writeString(config, """
                data_dir: %s
                sources:
                  - {name: app, type: dropwizard, file: %s, host: app-01}
                sinks:
                  - {name: spool, type: file, path: %s}
                admin: {listen: "127.0.0.1:0"}
                """.formatted(dir.resolve("state"), metrics, dir.resolve("spool.txt")));
        int port;
        try (Courier courier = Courier.start(CourierConfig.load(config))) {
            port = courier.adminAddress().orElseThrow().getPort();

            assertThat(runHealthcheck(port)).as("healthy").isZero();
        }
        assertThat(runHealthcheck(port)).as("no courier listening").isNotZero();
    }

    @Test
    void dockerHealthcheckAsksThePortOfTheImagesConfiguration() throws IOException {
        String dockerfile = read("docker/Dockerfile");
        String example = read("etc/courier.yaml");

        assertThat(dockerfile).contains("COURIER_ADMIN_PORT=9102").contains("/dev/tcp/127.0.0.1/${COURIER_ADMIN_PORT}")
                .contains("GET /health");
        assertThat(example).contains("listen: 127.0.0.1:9102");
    }

    @Test
    void dockerfilePassesTheLinter() throws Exception {
        assumeThat(Path.of("/usr/bin/npx")).as("npx installed").exists();

        String output = run(List.of("npx", "--yes", "dockerfilelint@1.8.0",
                PACKAGING.resolve("docker/Dockerfile").toString()));

        assertThat(output).contains("Issues: None found");
    }

    /** A {@code courier} launcher for the co-process script that runs this build's classes. */
    private Path courierLauncher() throws IOException {
        Path launcher = dir.resolve("courier");
        Files.writeString(launcher, "#!/usr/bin/env bash\nexec '%s' -cp '%s' %s \"$@\"\n".formatted(
                Path.of(System.getProperty("java.home"), "bin", "java"), System.getProperty("java.class.path"),
                CourierMain.class.getName()));
        Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
        return launcher;
    }

    private Path courierConfig(int port) throws IOException {
        Path metrics = dir.resolve("metrics.json");
        Files.writeString(metrics, "{\"version\":\"4.0.0\",\"gauges\":{},\"counters\":{\"jobs\":{\"count\":1}},"
                + "\"histograms\":{},\"meters\":{},\"timers\":{}}");
        Path config = dir.resolve("courier.yaml");
        Files.writeString(config, """
                data_dir: %s
                sources:
                  - {name: app, type: dropwizard, file: %s, interval: 200ms, timeout: 200ms}
                sinks:
                  - {name: zabbix, type: zabbix, server: "127.0.0.1:%d", host: app-01}
                """.formatted(dir.resolve("state"), metrics, port));
        return config;
    }

    private Process coProcess(Path config, String... application) throws IOException {
        return coProcess(List.of(), config, application);
    }

    /** The co-process script run by {@code launcher} (such as {@code setsid}, to give it its own process group). */
    private Process coProcess(List<String> launcher, Path config, String... application) throws IOException {
        List<String> command = new ArrayList<>(launcher);
        command.addAll(List.of(PACKAGING.resolve("co-process/run-with-courier.sh").toString(), config.toString()));
        command.addAll(List.of(application));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("co-process.log").toFile());
        builder.environment().put("COURIER", courierLauncher().toString());
        return builder.start();
    }

    @Test
    void coProcessStopsTheCourierWhenTheApplicationExitsAndKeepsItsStatus() throws Exception {
        try (ZabbixTrapperReceiver receiver = ZabbixTrapperReceiver.create()) {
            Path gate = dir.resolve("app-may-exit");
            Process wrapper = coProcess(courierConfig(receiver.port()), "bash", "-c",
                    "while [ ! -e '" + gate + "' ]; do sleep 0.1; done; exit 3");
            await().atMost(Duration.ofSeconds(30)).until(() -> receiver.rows().size() >= 2);

            Files.createFile(gate);

            assertThat(wrapper.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(wrapper.exitValue()).isEqualTo(3);
            assertThat(Files.readString(dir.resolve("co-process.log"))).contains("SIGTERM received, stopping")
                    .contains("courier stopped");
        }
    }

    @Test
    void coProcessForwardsSigtermToBoth() throws Exception {
        try (ZabbixTrapperReceiver receiver = ZabbixTrapperReceiver.create()) {
            Process wrapper = coProcess(courierConfig(receiver.port()), "sleep", "300");
            await().atMost(Duration.ofSeconds(30)).until(() -> receiver.rows().size() >= 2);

            wrapper.destroy(); // SIGTERM to the wrapper

            assertThat(wrapper.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(wrapper.exitValue()).isEqualTo(143); // the application's status: killed by SIGTERM
            assertThat(Files.readString(dir.resolve("co-process.log"))).contains("courier stopped");
        }
    }

    @Test
    void coProcessStopsBothAndItselfOnCtrlCToItsProcessGroup() throws Exception {
        try (ZabbixTrapperReceiver receiver = ZabbixTrapperReceiver.create()) {
            Path signals = dir.resolve("app-signals");
            // An application that records each SIGINT it gets and then exits 130, as a shell would for Ctrl-C.
            String application = "sleep 300 & idle=$!; trap 'echo INT >> \"$0\"; kill $idle; exit 130' INT; "
                    + "echo ready >> \"$0\"; wait $idle";
            // setsid: a process group of its own, as a terminal gives a foreground job, so that the group's
            // SIGINT reaches the script (and whatever stayed in its group) but not this test's JVM.
            Process wrapper = coProcess(List.of("setsid"), courierConfig(receiver.port()), "bash", "-c", application,
                    signals.toString());
            await().atMost(Duration.ofSeconds(30)).until(() -> receiver.rows().size() >= 2 && Files.exists(signals));
            List<ProcessHandle> processes = new ArrayList<>(wrapper.descendants().toList());
            processes.add(wrapper.toHandle());
            try {
                Process ctrlC = new ProcessBuilder("kill", "-INT", "--", "-" + wrapper.pid()).start();
                assertThat(ctrlC.waitFor(10, TimeUnit.SECONDS)).isTrue();
                assertThat(ctrlC.exitValue()).as("the process group was signalled").isZero();

                assertThat(wrapper.waitFor(30, TimeUnit.SECONDS)).as("the script ended").isTrue();
                assertThat(wrapper.exitValue()).as("the application's status").isEqualTo(130);
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> processes.stream().noneMatch(ProcessHandle::isAlive));
            } finally {
                processes.forEach(ProcessHandle::destroyForcibly); // only what a failed run left behind
            }
            assertThat(Files.readAllLines(signals)).as("the application got SIGINT once").containsExactly("ready", "INT");
            assertThat(Files.readString(dir.resolve("co-process.log"))).contains("SIGINT received, stopping")
                    .contains("courier stopped").doesNotContain("SIGHUP was ignored");
        }
    }

    @Test
    void courierStartedWithSighupIgnoredSaysReloadBySignalIsUnavailable() throws Exception {
        try (ZabbixTrapperReceiver receiver = ZabbixTrapperReceiver.create()) {
            Path log = dir.resolve("courier.log");
            // As nohup starts it: SIGHUP ignored before the JVM starts, which then cannot handle it.
            Process courier = new ProcessBuilder("bash", "-c", "trap '' HUP; exec \"$0\" run --config \"$1\"",
                    courierLauncher().toString(), courierConfig(receiver.port()).toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            await().atMost(Duration.ofSeconds(30)).until(() -> receiver.rows().size() >= 2);

            courier.destroy(); // SIGTERM

            assertThat(courier.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(courier.exitValue()).isZero();
            assertThat(Files.readString(log)).containsOnlyOnce("SIGHUP was ignored when the courier started")
                    .contains("reload by signal is unavailable; reload with POST /reload after giving the admin "
                            + "endpoint a token, or restart");
        }
    }
}
