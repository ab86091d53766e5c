package dev.concierge.courier.sources.consul;

import dev.concierge.courier.sources.dropwizard.DropwizardConfig;
import dev.concierge.courier.sources.dropwizard.DropwizardJsonSource;
import dev.concierge.courier.sources.prometheus.PrometheusConfig;
import dev.concierge.courier.sources.prometheus.PrometheusScrapeSource;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * The scrape types a Consul source knows, by name. Immutable; {@link #with} returns a copy. A new scrape
 * type is one {@link ScrapeTargetFactory} added here (in {@link #builtIn()}) or by whoever creates the source.
 */
public final class ScrapeTargets {
    private final Map<String, ScrapeTargetFactory> factories;

    private ScrapeTargets(Map<String, ScrapeTargetFactory> factories) {
        this.factories = Map.copyOf(factories);
    }

    /** The types this module provides: {@code dropwizard} and {@code prometheus}. */
    public static ScrapeTargets builtIn() {
        return new ScrapeTargets(Map.of(DropwizardConfig.TYPE, ScrapeTargets::dropwizard,
                PrometheusConfig.TYPE, ScrapeTargets::prometheus));
    }

    /** A copy that also (or instead) maps {@code type} to {@code factory}. */
    public ScrapeTargets with(String type, ScrapeTargetFactory factory) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(factory, "factory");
        Map<String, ScrapeTargetFactory> copy = new LinkedHashMap<>(factories);
        copy.put(type, factory);
        return new ScrapeTargets(copy);
    }

    /** The factory for {@code type}, or null when no such type is known. */
    public ScrapeTargetFactory factory(String type) {
        return factories.get(type);
    }

    public Set<String> types() {
        return new TreeSet<>(factories.keySet());
    }

    private static DropwizardJsonSource dropwizard(ScrapeTarget target) {
        return DropwizardJsonSource.create(new DropwizardConfig(target.sourceName(), target.url(), null,
                target.interval(), target.timeout(), target.maxBytes(), target.host()).withHttp(target.http()));
    }

    private static PrometheusScrapeSource prometheus(ScrapeTarget target) {
        return PrometheusScrapeSource.create(new PrometheusConfig(target.sourceName(), target.url(),
                target.interval(), target.timeout(), target.maxBytes(), target.host()).withHttp(target.http()));
    }

    @Override
    public String toString() {
        return "ScrapeTargets" + types();
    }
}
