/**
 * A fake Zabbix trapper, the server side of the sender protocol, for {@code courier demo}, the
 * class-data training send of {@code courier send}, benchmarks and tests. It is not part of the client:
 * it only borrows the client's frame codec and request/response JSON, and nothing in the sink or the client
 * depends on it.
 *
 * <p><b>Why here and not in courier-app's demo code or a test-jar.</b> Its users are in four places: the
 * demo and the training send ({@code courier send --cds-training}), both courier-app main code, which
 * cannot depend on a test-jar; the benchmarks; and the tests of courier-sinks itself (the sink's and the
 * client's), which cannot see courier-app. The one module all of them can reach is courier-sinks' main
 * code, so it lives there, in a package of its own beside the client, rather than mixed into the sink's.
 *
 * <p>Conventions: 127.0.0.1 and port 0 unless told otherwise; thread-safe recordings; one reply per
 * connection, then close, as the real trapper does.
 */
package dev.concierge.courier.sinks.zabbix.trapper;
