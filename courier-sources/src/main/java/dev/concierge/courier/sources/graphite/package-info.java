/**
 * {@code type: graphite_intake}: Graphite's plaintext protocol ({@code path value [timestamp]}, Graphite 1.1
 * tags {@code path;tag=value}) on TCP and optionally UDP, with Telegraf-style templates that map path parts to a
 * name, labels and a host ({@link dev.concierge.courier.sources.graphite.GraphiteTemplate}).
 *
 * <p><b>What a crash can lose.</b> Graphite has no acknowledgement: a reporter's write returns once its kernel
 * has the bytes. What the courier holds between the client's write and its sinks' backlogs is lost when the
 * courier is killed: lines in the kernel's receive buffers (TCP) or socket queue (UDP) not yet read; a partial
 * last line of a connection; lines read and parsed but not yet taken from the ring by every sink (normally
 * well under a millisecond, longer only when a sink's thread is busy); and with a file ledger, samples
 * written to a backlog but not yet fsynced survive a killed process but not a machine failure within the
 * ledger's sync interval (100 ms by default). A full ring refuses lines (counted as {@code values_refused});
 * UDP datagrams the kernel drops are not seen at all. The Zabbix intake, whose protocol has an answer, waits
 * for durability instead.
 *
 * <p>Safety as the other intakes ({@link dev.concierge.courier.sources.intake}): loopback only unless
 * {@code allowed} names clients, a connection limit, a line length limit (a longer line is dropped and counted,
 * the connection goes on) and an idle timeout instead of a request timeout, a stream having no end.
 */
package dev.concierge.courier.sources.graphite;
