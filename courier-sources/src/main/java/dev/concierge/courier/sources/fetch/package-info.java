/**
 * Bounded reading of whole documents for sources that scrape: an HTTP GET through the JDK
 * {@link java.net.http.HttpClient} ({@link dev.concierge.courier.sources.fetch.HttpFetcher}) and a file read
 * ({@link dev.concierge.courier.sources.fetch.FileFetcher}), both behind
 * {@link dev.concierge.courier.sources.fetch.DocumentFetcher}.
 *
 * <p>What a scrape adds to its request, shared by every scraping source and the scrapes a Consul source creates,
 * is {@link dev.concierge.courier.sources.fetch.ScrapeHttpSettings}: headers, credentials
 * ({@link dev.concierge.courier.sources.fetch.HttpCredentials}, a file read at every fetch) and core's TLS client
 * block.
 *
 * <p>Conventions of this package:
 * <ul>
 *   <li>Every fetch is bounded in size and, for HTTP, in time. The size cap is enforced while the body
 *       arrives: a body that crosses it is abandoned at once, so no more than the cap is ever held.</li>
 *   <li>Every failure is a {@link dev.concierge.courier.core.spi.SourceException} whose message starts with
 *       the location (URL or path) and then says what happened:
 *       {@code "http://127.0.0.1:8081/metrics: body exceeds 16MiB cap"}. Nothing is logged here; the
 *       pipeline logs and counts the exception once.</li>
 *   <li>Fetchers keep no per-fetch state, so one instance may serve concurrent fetches, although a source
 *       calls it from its scheduler thread only.</li>
 * </ul>
 */
package dev.concierge.courier.sources.fetch;
