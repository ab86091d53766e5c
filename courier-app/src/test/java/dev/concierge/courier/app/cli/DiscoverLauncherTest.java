package dev.concierge.courier.app.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.concierge.courier.app.CourierMain;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/courier discover} with and without its class-data archive, through
 * {@code scripts/check-discover-cds.sh}. The tests run before the shaded jar is built, so the launcher gets
 * a jar of this module's classes whose manifest names the dependency jars, which the JVM archives the same
 * way.
 */
class DiscoverLauncherTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @TempDir
    Path dir;

    @Test
    void discoverPrintsTheSameJsonAndNothingOnStderrWhateverTheArchive() throws Exception {
        Path jar = launcherJar(dir);

        Process process = new ProcessBuilder(ROOT.resolve("scripts/check-discover-cds.sh").toString(), jar.toString())
                .redirectErrorStream(true).start();
        assertThat(process.waitFor(300, TimeUnit.SECONDS)).as("the check finished").isTrue();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(process.exitValue()).as("exit code; output:%n%s", output).isZero();
        assertThat(output).contains("ok   with the archive it wrote", "ok   the archive is used",
                "ok   archive the JVM refuses", "ok   corrupt archive");
    }

    /**
     * This module's classes in a jar in {@code dir} whose Class-Path names every dependency jar of the test
     * class path; also used by {@link RunLauncherTest}.
     */
    static Path launcherJar(Path dir) throws IOException {
        Path classes = Path.of(CourierMain.class.getProtectionDomain().getCodeSource().getLocation().getPath());
        List<String> dependencies = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path path = Path.of(entry);
            if (path.equals(classes) || path.endsWith("test-classes")) {
                continue;
            }
            // CDS archives classes from jars only; modules built as directories (an IDE, mvn test) cannot be.
            assumeThat(Files.isDirectory(path)).as("%s is a jar", path).isFalse();
            dependencies.add(path.toUri().toString());
        }
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, CourierMain.class.getName());
        manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, String.join(" ", dependencies));
        Path jar = dir.resolve("courier.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest);
             Stream<Path> files = Files.walk(classes)) {
            for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                out.putNextEntry(new JarEntry(classes.relativize(file).toString().replace(File.separatorChar, '/')));
                Files.copy(file, out);
                out.closeEntry();
            }
        }
        return jar;
    }
}
