/**
 * The admin endpoint: liveness, readiness, Prometheus metrics, the ledger as JSON and a status page, served
 * over HTTP by {@link dev.concierge.courier.app.admin.AdminServer} and configured by the top-level
 * {@code admin} section ({@link dev.concierge.courier.app.admin.AdminConfig}); without that section there is
 * no endpoint.
 *
 * <p>Local conventions:
 * <ul>
 *   <li>Nothing here counts pipeline events itself: {@link dev.concierge.courier.app.admin.CourierMetrics}
 *       reads the pipeline's stats objects, which the pipeline moves where it logs, so the endpoint and the
 *       log cannot disagree. Events of the endpoint itself (a refused or failed request) log and count in
 *       one method of {@code CourierMetrics}.</li>
 *   <li>JSON field names are snake_case, like configuration keys; times are ISO-8601 instants; an unknown
 *       value is {@code null}, never a made-up zero.</li>
 *   <li>The bearer token is a {@link dev.concierge.courier.app.config.Secret}: compared in constant time,
 *       never logged, never in a {@code toString()}.</li>
 *   <li>The status page ({@code status.html} beside these classes) is one file with inline CSS and script and
 *       no external assets; its Content-Security-Policy makes the browser refuse anything else.</li>
 * </ul>
 */
package dev.concierge.courier.app.admin;
