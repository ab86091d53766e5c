package dev.concierge.courier.app.admin;

import dev.concierge.courier.core.settings.DurationSyntax;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;

/**
 * What the status page says about the courier beyond the pipeline's counts: its version, when it started,
 * where its configuration came from and when it was last reloaded, and what each sink and source is (its
 * destination or its URL, with secrets masked, as the start-up summary says it). Built by the courier when the
 * status is asked for, so it follows reloads.
 *
 * @param configFile        the configuration file the courier runs; null when it was not started from one
 * @param lastReload        when the configuration was last reloaded; null before the first reload
 * @param lastReloadResult  what that reload did (kept, started, restarted, stopped), or null
 * @param sinks             each sink's destination by sink name, secrets masked
 * @param sources           each source's location by source name, secrets masked
 * @param sourceIntervals   each source's collect interval by source name
 */
public record CourierFacts(String version, Instant startedAt, Path configFile, Instant lastReload,
                           String lastReloadResult, Map<String, String> sinks, Map<String, String> sources,
                           Map<String, Duration> sourceIntervals) {
    /** The version of this build, from {@code build.properties}; {@code unknown} when it is missing. */
    public static final String VERSION = readVersion();

    public CourierFacts {
        sinks = Map.copyOf(sinks);
        sources = Map.copyOf(sources);
        sourceIntervals = Map.copyOf(sourceIntervals);
    }

    /** What a courier that has told nothing about itself shows: the version only. */
    static CourierFacts unknown() {
        return new CourierFacts(VERSION, null, null, null, null, Map.of(), Map.of(), Map.of());
    }

    /** {@code interval} in the configuration's syntax, or null. */
    String interval(String source) {
        Duration interval = sourceIntervals.get(source);
        return interval == null ? null : DurationSyntax.format(interval);
    }

    private static String readVersion() {
        try (InputStream in = CourierFacts.class.getResourceAsStream("build.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties properties = new Properties();
            properties.load(in);
            String version = properties.getProperty("version", "unknown");
            // Unfiltered (an IDE's build): say so rather than show the placeholder.
            return version.startsWith("${") ? "unknown" : version;
        } catch (IOException e) {
            return "unknown";
        }
    }
}
