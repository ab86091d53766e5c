package dev.concierge.courier.sources.consul;

import com.ecwid.consul.v1.health.model.Check;
import java.util.List;
import java.util.Locale;

/**
 * An instance's aggregated health: the worst status among all its checks, node checks such as
 * {@code serfHealth} included, as the Consul UI shows it. {@link #PASSING} means exactly what
 * {@code /v1/health/service/:name?passing} means: every check passing (health.mdx).
 */
enum HealthState {
    PASSING, WARNING, CRITICAL;

    /** The lower-case name used as the {@code state} label. */
    String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The worst of {@code checks}; a status consul-api cannot map (null, or {@code unknown}) counts as
     * critical, so an instance is never scraped on a status nobody understood. No checks at all is passing,
     * as Consul's own filter treats it.
     */
    static HealthState of(List<Check> checks) {
        HealthState worst = PASSING;
        if (checks == null) {
            return worst;
        }
        for (Check check : checks) {
            Check.CheckStatus status = check == null ? null : check.getStatus();
            if (status == Check.CheckStatus.PASSING) {
                continue;
            }
            if (status == Check.CheckStatus.WARNING) {
                worst = worst == CRITICAL ? CRITICAL : WARNING;
            } else {
                return CRITICAL;
            }
        }
        return worst;
    }
}
