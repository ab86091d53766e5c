/**
 * The Consul source (config {@code type: consul}): discovers service instances through the local agent,
 * scrapes every passing one, reports the services' health as samples, and can register the courier itself
 * with a TTL check. {@link dev.concierge.courier.sources.consul.ConsulSource} is the source,
 * {@link dev.concierge.courier.sources.consul.ConsulConfig} its configuration (documented in
 * {@code sample.yaml} beside this package's classes), and
 * {@link dev.concierge.courier.sources.consul.ScrapeTargetFactory} the seam through which a scrape type
 * ({@code dropwizard} today) turns a discovered instance into a source.
 *
 * <p>Threads: one daemon thread per watched service holds its blocking query
 * ({@code consul-watch-service-<name>}), one more watches the catalog when a tag is configured, one runs the
 * registration heartbeat, one watches the courier service when targets are shared
 * ({@code consul-watch-couriers-<name>}), and a small pool scrapes targets during a collect. Collect itself runs on the
 * pipeline's scheduler thread and only reads the watches' latest answers; it never waits for Consul.
 *
 * <p>Conventions of this package:
 * <ul>
 *   <li>Health comes from one unfiltered {@code /v1/health/service/:name} query per service. An instance
 *       is scraped when every one of its checks, node checks included, is passing: exactly what
 *       {@code ?passing} would return. One answer yields both the targets and the counts per state, from the
 *       same index, so they never disagree, and each service holds one blocking connection instead of two.</li>
 *   <li>Blocking queries follow PROTOCOLS.md §6.2: {@code X-Consul-Index} is sent back with {@code wait};
 *       an index that goes backwards is discarded and the next query starts without one; 0 is sent as 1;
 *       each watch is rate-limited by a token bucket of 2; failures wait a full-jitter backoff, and the query
 *       after a failure sends no index, so it answers at once instead of blocking for a whole wait. A listener
 *       only ever receives a whole, parsed answer; after a failure the last answer stays, marked stale, and
 *       its targets keep being scraped while its health samples pause until the next good answer.</li>
 *   <li>The ACL token never reaches consul-api, which in 1.4.5 sends it as the deprecated {@code ?token=}
 *       query parameter from the health, catalog and agent calls (only its {@code Request}-based raw calls
 *       use the header). An Apache {@code HttpRequestInterceptor} on our own {@code HttpClient}, given to
 *       consul-api through {@code ConsulRawClient}, sets {@code X-Consul-Token} on every request; the
 *       interceptor runs after consul-api's JUL-FINEST request log, so the header is not in it. Do not turn
 *       on Apache HttpClient's own {@code org.apache.http.headers} or {@code org.apache.http.wire} logging
 *       in production: it prints every header, the token included.</li>
 *   <li>Timeouts: consul-api's default transport reads with a fixed 10-minute socket timeout, which a
 *       10-minute wait plus the agent's wait/16 jitter outlasts. Blocking queries use their own client with
 *       a read timeout of {@code wait + wait/16 + 10s} (or {@code read_timeout}, which must exceed
 *       {@code wait + wait/16}); agent calls use a second client whose read timeout is the connect timeout,
 *       so a registration, pass or deregistration never hangs for minutes. Automatic retries are off: the
 *       loops own retry.</li>
 *   <li>Registration uses consul-api's raw client with a body written here: its {@code NewService.Check} has
 *       no {@code CheckID} or {@code Name}, and registering the check separately would leave a window in
 *       which a crash leaves the service without the {@code DeregisterCriticalServiceAfter} that removes
 *       it.</li>
 *   <li>consul-api concatenates service names and check IDs into paths unencoded; every path segment is
 *       percent-encoded here, and service names are validated at configuration.</li>
 *   <li>Sharing ({@code sharing}): the couriers are the passing instances of the service they register
 *       under ({@link dev.concierge.courier.sources.consul.CourierMembership}); each target has a stable id from
 *       an operator's template ({@link dev.concierge.courier.sources.consul.TargetIdTemplate}); the top
 *       {@code replicas} couriers by rendezvous weight own it
 *       ({@link dev.concierge.courier.sources.consul.RendezvousHashing}); a lost target is scraped for one more
 *       interval plus the settle time, a gained one at once
 *       ({@link dev.concierge.courier.sources.consul.OwnedTargets}). Health samples follow ownership: an
 *       instance's by its target's owners, a service's counts by the owners of {@code "service <name>"}. While
 *       the agent does not answer, the last known membership stays in force, marked stale. On a clean stop the
 *       courier deregisters before its sources stop ({@code LeavesBeforeStop}).</li>
 *   <li>Discovered instances are logged when they start and stop being scraped; scrape failures when a
 *       target starts and stops failing; repeated query failures at debug. Everything logged is counted in
 *       {@link dev.concierge.courier.sources.consul.ConsulSource}'s counters.</li>
 * </ul>
 */
package dev.concierge.courier.sources.consul;
