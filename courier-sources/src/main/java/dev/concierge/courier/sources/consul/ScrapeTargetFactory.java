package dev.concierge.courier.sources.consul;

import dev.concierge.courier.core.spi.Source;

/**
 * Makes the source that scrapes one discovered instance. One factory per scrape type ({@code dropwizard},
 * {@code prometheus}), registered in {@link ScrapeTargets} under that name.
 *
 * <p>Called on the Consul source's collect thread when an instance starts passing (or its metrics URL
 * changes). The returned source is owned by the Consul source: its {@code collect} is called once per
 * interval on a scrape thread, never concurrently with itself, and it is closed when the instance stops
 * passing or the Consul source closes. Its samples must carry {@link ScrapeTarget#host()} and
 * {@link ScrapeTarget#sourceName()}.
 */
@FunctionalInterface
public interface ScrapeTargetFactory {

    /**
     * @throws IllegalArgumentException when the target cannot be scraped by this type (the instance is then
     *                                  skipped, logged once and counted)
     */
    Source create(ScrapeTarget target);
}
