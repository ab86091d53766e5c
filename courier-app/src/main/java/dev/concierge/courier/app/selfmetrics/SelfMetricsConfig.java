package dev.concierge.courier.app.selfmetrics;

import dev.concierge.courier.core.spi.PluginContext;
import dev.concierge.courier.app.config.ConfigNode;
import dev.concierge.courier.app.config.ConfigProblems;
import java.time.Duration;
import java.util.Objects;

/**
 * The courier's own metrics, delivered to its sinks like any source's ({@code self_metrics}).
 *
 * @param interval how often they are emitted ({@code interval}, default 60 s)
 * @param host     the host they belong to ({@code host}, default this machine's host name)
 */
public record SelfMetricsConfig(Duration interval, String host) {
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(60);

    public SelfMetricsConfig {
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(host, "host");
    }

    /** Binds the {@code self_metrics} section of {@code root}; null when it is absent. */
    public static SelfMetricsConfig bind(ConfigNode root, ConfigProblems problems) {
        if (root.child("self_metrics").isEmpty() || root.child("self_metrics").get().isNull()) {
            return null;
        }
        ConfigNode node = root.requiredMapping("self_metrics", problems);
        node.expectKeys(problems, "interval", "host");
        Duration interval = node.optionalDuration("interval", DEFAULT_INTERVAL, problems);
        if (interval.isZero() || interval.isNegative()) {
            problems.add(node.child("interval").orElse(node), interval.toString(), "more than 0");
        }
        String host = node.optionalString("host", PluginContext.localHostName(), problems);
        return new SelfMetricsConfig(interval, host);
    }
}
