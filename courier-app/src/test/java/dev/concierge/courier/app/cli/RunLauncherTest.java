package dev.concierge.courier.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code COURIER_PROFILE=small bin/courier run} with its class-data archive in every state, through
 * {@code scripts/check-run-cds.sh}, on the same kind of jar as {@link DiscoverLauncherTest}.
 */
class RunLauncherTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @TempDir
    Path dir;

    @Test
    void runWritesItsArchiveAtStopUsesItNextAndDeliversWhateverTheArchive() throws Exception {
        Path jar = DiscoverLauncherTest.launcherJar(dir);

        Process process = new ProcessBuilder(ROOT.resolve("scripts/check-run-cds.sh").toString(), jar.toString())
                .redirectErrorStream(true).start();
        assertThat(process.waitFor(300, TimeUnit.SECONDS)).as("the check finished").isTrue();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(process.exitValue()).as("exit code; output:%n%s", output).isZero();
        assertThat(output).contains("ok   run --check writes no archive",
                "ok   the first courier wrote an archive as it stopped",
                "ok   the next start moved it into place", "ok   the archive is used",
                "ok   archive cut short by a kill -9", "ok   corrupt archive", "ok   COURIER_CDS=off");
    }
}
