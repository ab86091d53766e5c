package dev.concierge.courier.sources.consul;

import dev.concierge.courier.sources.fetch.ScrapeHttpSettings;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * One passing instance to scrape, as a {@link ScrapeTargetFactory} receives it.
 *
 * @param sourceName the Consul source's configured name; the scrape's samples carry it as their source
 * @param service    the Consul service name
 * @param instanceId the service instance ID
 * @param type       the scrape type, a key of {@link ScrapeTargets}
 * @param url        the metrics URL: the instance's address and port, and the metrics path
 * @param host       the host every sample of this target must carry
 * @param interval   how often it is scraped (the Consul source's interval)
 * @param timeout    the longest one scrape may take, at most {@code interval}
 * @param maxBytes   the largest document accepted
 * @param http       the headers, credentials and TLS the scrape sends
 */
public record ScrapeTarget(String sourceName, String service, String instanceId, String type, URI url, String host,
                           Duration interval, Duration timeout, long maxBytes, ScrapeHttpSettings http) {

    /** A target scraped without headers or credentials of its own. */
    public ScrapeTarget(String sourceName, String service, String instanceId, String type, URI url, String host,
                        Duration interval, Duration timeout, long maxBytes) {
        this(sourceName, service, instanceId, type, url, host, interval, timeout, maxBytes, ScrapeHttpSettings.NONE);
    }

    public ScrapeTarget {
        Objects.requireNonNull(http, "http");
        Objects.requireNonNull(sourceName, "sourceName");
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(instanceId, "instanceId");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(timeout, "timeout");
    }

    @Override
    public String toString() {
        return type + " " + url + " (service " + service + ", instance " + instanceId + ", host " + host + ")";
    }
}
