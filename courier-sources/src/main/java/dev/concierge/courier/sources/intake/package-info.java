/**
 * What every push intake (a source clients connect to: {@code zabbix_intake}, {@code graphite_intake}) needs
 * before its protocol starts: who may connect ({@link dev.concierge.courier.sources.intake.AllowedPeers}, with
 * Zabbix's {@code Allowed hosts} semantics, loopback only when nothing is listed), how many connections at once
 * and how long a client may take to send its request ({@link dev.concierge.courier.sources.intake.IntakeGate}),
 * TLS with certificates ({@link dev.concierge.courier.sources.intake.IntakeTls}), the listener's threads
 * ({@link dev.concierge.courier.sources.intake.IntakeListener}), and the counts of what was cut off
 * ({@link dev.concierge.courier.sources.intake.IntakeCounts}).
 *
 * <p>Conventions: every refusal is counted once, in {@code IntakeCounts}, under a snake_case event name that
 * the pipeline publishes beside the source's stats, and logged at most at DEBUG per connection (a port scan
 * must not flood the log). Nothing here parses a protocol.
 */
package dev.concierge.courier.sources.intake;
