/**
 * The file sink: appends samples as {@code zabbix_sender -T -N -i} input lines (PROTOCOLS.md §1.7), for a
 * {@code zabbix_sender} run elsewhere to forward, or as a plain record of what was collected.
 *
 * <ul>
 *   <li>{@link dev.concierge.courier.sinks.file.ZabbixSenderLineWriter}: one sample to one line, with
 *       {@code get_string}'s quoting; refuses, rather than mangles, what a line cannot carry.</li>
 *   <li>{@link dev.concierge.courier.sinks.file.FileSinkConfig} and
 *       {@link dev.concierge.courier.sinks.file.FileSink}: the plugin; {@code sample.yaml} in this package's
 *       resources documents every key.</li>
 * </ul>
 *
 * <p>Conventions: files are UTF-8 without a byte order mark, lines end with {@code \n} only, and the file
 * only ever grows by whole lines; every file operation runs on the sink's own thread.
 */
package dev.concierge.courier.sinks.file;
