/**
 * Discovery snapshots: after each successful collect, {@code courier run} keeps what every source with the
 * {@link dev.concierge.courier.core.spi.LldDiscoverable} ability discovered in {@code data_dir/discovery/<source>.json}
 * ({@link dev.concierge.courier.app.discovery.DiscoverySnapshotSource}, a decorator the wiring puts around
 * each source), and {@code courier discover --from} answers a Zabbix agent {@code UserParameter} from that file
 * in milliseconds, without fetching anything.
 *
 * <p>Conventions: a snapshot is the complete list or it answers nothing. A stale one (older than
 * {@value dev.concierge.courier.app.discovery.DiscoverySnapshot#STALE_AFTER_INTERVALS} intervals by default),
 * one marked incomplete, or a Consul service whose latest query failed makes {@code discover} exit 1 with the
 * reason, which Zabbix shows on the discovery rule while it keeps the entities it has: printing the old or
 * partial list would start the lost-resource timers of whatever it misses. The reading side loads only
 * jackson-core, this package and courier-core's LLD types, to start fast on a cold JVM.
 */
package dev.concierge.courier.app.discovery;
