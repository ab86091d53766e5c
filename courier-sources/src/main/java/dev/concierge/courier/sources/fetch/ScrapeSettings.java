package dev.concierge.courier.sources.fetch;

import dev.concierge.courier.core.settings.SettingProblem;
import dev.concierge.courier.core.settings.DurationSyntax;
import dev.concierge.courier.core.settings.ByteSize;
import dev.concierge.courier.core.settings.Settings;
import dev.concierge.courier.core.spi.SampleLimit;
import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * The rules every scraping source's settings follow, checked in one place so that a Dropwizard and a
 * Prometheus source report the same mistake in the same words. Each check adds its problems, as
 * values, to the list it is given.
 */
public final class ScrapeSettings {
    private ScrapeSettings() {
    }

    public static void checkName(List<SettingProblem> problems, String name) {
        if (name == null || name.isBlank()) {
            problems.add(SettingProblem.of("name", quoted(name), "a non-blank name"));
        }
    }

    /** {@code url} must be http or https; null is left to the caller (some sources take a file instead). */
    public static void checkHttpUrl(List<SettingProblem> problems, URI url) {
        if (url != null && !"http".equalsIgnoreCase(url.getScheme()) && !"https".equalsIgnoreCase(url.getScheme())) {
            problems.add(SettingProblem.of("url", url.toString(), "an http or https URL"));
        }
    }

    /**
     * The interval and timeout are positive and the timeout is at most the interval, so scrapes cannot stack;
     * the size cap is within what a fetcher can hold; the host is not blank.
     */
    public static void checkSchedule(List<SettingProblem> problems, Duration interval, Duration timeout, long maxBytes,
                                     String host) {
        if (interval == null || interval.isNegative() || interval.isZero()) {
            problems.add(SettingProblem.of("interval", format(interval), "> 0"));
        }
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            problems.add(SettingProblem.of("timeout", format(timeout), "> 0"));
        } else if (interval != null && timeout.compareTo(interval) > 0) {
            problems.add(SettingProblem.of("timeout", format(timeout), "at most the interval, " + format(interval)));
        }
        if (maxBytes < 1 || maxBytes > DocumentFetcher.LARGEST_CAP) {
            problems.add(SettingProblem.of("max_size", ByteSize.format(maxBytes), "1B.." + ByteSize.format(DocumentFetcher.LARGEST_CAP)));
        }
        if (host == null || host.isBlank()) {
            problems.add(SettingProblem.of("host", quoted(host), "a non-blank host name"));
        }
    }

    /**
     * The timeout used when none is written: {@code ceiling}, or the interval when that is shorter (as
     * Prometheus defaults {@code scrape_timeout}), so a short interval alone is a valid configuration.
     * An interval that is missing or not positive leaves {@code ceiling}; {@link #checkSchedule} reports it.
     */
    public static Duration defaultTimeout(Duration ceiling, Duration interval) {
        if (interval == null || interval.isNegative() || interval.isZero()) {
            return ceiling;
        }
        return interval.compareTo(ceiling) < 0 ? interval : ceiling;
    }

    /**
     * The {@code sample_limit} key every scraping source reads: the most samples one collect may yield, 0 for
     * none; when absent, derived from the heap ({@link SampleLimit#ofThisHeap()}).
     */
    public static SampleLimit sampleLimit(Settings settings) {
        return settings.has("sample_limit")
                ? SampleLimit.ofSetting(settings.optionalInt("sample_limit", 0, Integer.MAX_VALUE - 1, 0))
                : SampleLimit.ofThisHeap();
    }

    /** A duration as settings write it ({@code 10s}), or {@code missing}. */
    public static String format(Duration duration) {
        return duration == null ? "missing" : DurationSyntax.format(duration);
    }

    private static String quoted(Object value) {
        return value == null ? "missing" : "\"" + value + "\"";
    }
}
