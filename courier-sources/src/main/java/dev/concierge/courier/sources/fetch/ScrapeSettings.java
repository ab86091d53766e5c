package dev.concierge.courier.sources.fetch;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;

/**
 * The rules every scraping source's settings follow, checked in one place so that a Dropwizard and a
 * Prometheus source report the same mistake in the same words. Each check adds its problems, as
 * {@code key: found (expected: rule)}, to the list it is given.
 */
public final class ScrapeSettings {
    private ScrapeSettings() {
    }

    /** This machine's host name, resolved once; {@code localhost} when it does not resolve. */
    public static String localHostName() {
        return LocalHost.NAME;
    }

    public static void checkName(List<String> problems, String name) {
        if (name == null || name.isBlank()) {
            problems.add("name: " + quoted(name) + " (expected: a non-blank name)");
        }
    }

    /** {@code url} must be http or https; null is left to the caller (some sources take a file instead). */
    public static void checkHttpUrl(List<String> problems, URI url) {
        if (url != null && !"http".equalsIgnoreCase(url.getScheme()) && !"https".equalsIgnoreCase(url.getScheme())) {
            problems.add("url: " + url + " (expected: an http or https URL)");
        }
    }

    /**
     * The interval and timeout are positive and the timeout is at most the interval, so scrapes cannot stack;
     * the size cap is within what a fetcher can hold; the host is not blank.
     */
    public static void checkSchedule(List<String> problems, Duration interval, Duration timeout, long maxBytes,
                                     String host) {
        if (interval == null || interval.isNegative() || interval.isZero()) {
            problems.add("interval: " + format(interval) + " (expected: > 0)");
        }
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            problems.add("timeout: " + format(timeout) + " (expected: > 0)");
        } else if (interval != null && timeout.compareTo(interval) > 0) {
            problems.add("timeout: " + format(timeout) + " (expected: at most the interval, " + format(interval) + ")");
        }
        if (maxBytes < 1 || maxBytes > DocumentFetcher.LARGEST_CAP) {
            problems.add("max_size: " + ByteSize.format(maxBytes) + " (expected: 1B.."
                    + ByteSize.format(DocumentFetcher.LARGEST_CAP) + ")");
        }
        if (host == null || host.isBlank()) {
            problems.add("host: " + quoted(host) + " (expected: a non-blank host name)");
        }
    }

    /** A duration as settings write it ({@code 10s}), or {@code missing}. */
    public static String format(Duration duration) {
        return duration == null ? "missing" : DurationText.format(duration);
    }

    private static String quoted(Object value) {
        return value == null ? "missing" : "\"" + value + "\"";
    }

    private static final class LocalHost {
        static final String NAME = resolve();

        private static String resolve() {
            try {
                return InetAddress.getLocalHost().getHostName();
            } catch (UnknownHostException e) {
                return "localhost";
            }
        }
    }
}
