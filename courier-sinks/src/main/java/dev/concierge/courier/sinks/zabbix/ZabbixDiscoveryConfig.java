package dev.concierge.courier.sinks.zabbix;

import dev.concierge.courier.core.settings.InvalidSettingsException;
import dev.concierge.courier.core.settings.SettingProblem;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code discovery} settings of one Zabbix sink: automatic low-level discovery (LLD) of the series that
 * pass through it, and the hold of values for series whose items Zabbix has not created yet. Immutable;
 * {@link #defaults} applies the defaults, which live here and nowhere else. See {@link LldTracker} and
 * {@link LldHoldQueue} for what each setting bounds.
 *
 * @param minInterval  the shortest time between two LLD values for one discovery rule of one host
 * @param forgetAfter  a series not seen for this long leaves its rule's set
 * @param hold         how long values for a new series that Zabbix counted as failed are held and resent
 *                     (up to 2 x {@code CacheUpdateFrequency} fits; 60 s is 6.0's default frequency)
 * @param holdMaxBytes the most bytes of rows held at once; rows beyond it settle as rejected at once
 * @param stateFile    where the last value sent per rule is kept across restarts; null = in memory only,
 *                     so every rule is sent once more after a restart
 */
public record ZabbixDiscoveryConfig(Duration minInterval, Duration forgetAfter, Duration hold, long holdMaxBytes,
                                    Path stateFile) {

    public static final Duration DEFAULT_MIN_INTERVAL = Duration.ofSeconds(60);
    public static final Duration DEFAULT_FORGET_AFTER = Duration.ofHours(1);
    public static final Duration DEFAULT_HOLD = Duration.ofMinutes(2);
    public static final long DEFAULT_HOLD_MAX_BYTES = 8L << 20;

    /** @throws IllegalArgumentException listing every invalid field, one {@code field: found (expected: rule)} each */
    public ZabbixDiscoveryConfig {
        List<SettingProblem> problems = new ArrayList<>();
        positive(problems, "discovery.min_interval", minInterval);
        positive(problems, "discovery.forget_after", forgetAfter);
        positive(problems, "discovery.hold", hold);
        if (problems.isEmpty() && forgetAfter.compareTo(minInterval) < 0) {
            problems.add(SettingProblem.of("discovery.forget_after", String.valueOf(forgetAfter), "at least min_interval, " + minInterval));
        }
        if (holdMaxBytes < 1) {
            problems.add(SettingProblem.of("discovery.hold_max_size", holdMaxBytes + " bytes", "more than 0"));
        }
        if (!problems.isEmpty()) {
            throw new InvalidSettingsException("zabbix discovery", problems);
        }
    }

    /** 60 s between values per rule, forget after 1 h, hold 2 min and 8 MiB, no state file. */
    public static ZabbixDiscoveryConfig defaults() {
        return new ZabbixDiscoveryConfig(DEFAULT_MIN_INTERVAL, DEFAULT_FORGET_AFTER, DEFAULT_HOLD,
                DEFAULT_HOLD_MAX_BYTES, null);
    }

    public ZabbixDiscoveryConfig withStateFile(Path stateFile) {
        return new ZabbixDiscoveryConfig(minInterval, forgetAfter, hold, holdMaxBytes, stateFile);
    }

    public ZabbixDiscoveryConfig withHold(Duration hold, long holdMaxBytes) {
        return new ZabbixDiscoveryConfig(minInterval, forgetAfter, hold, holdMaxBytes, stateFile);
    }

    public ZabbixDiscoveryConfig withIntervals(Duration minInterval, Duration forgetAfter) {
        return new ZabbixDiscoveryConfig(minInterval, forgetAfter, hold, holdMaxBytes, stateFile);
    }

    private static void positive(List<SettingProblem> problems, String key, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            problems.add(SettingProblem.of(key, String.valueOf(value), "more than 0"));
        }
    }
}
