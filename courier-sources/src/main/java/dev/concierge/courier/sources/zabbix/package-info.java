/**
 * {@code type: zabbix_intake}: a local Zabbix trapper that takes what scripts already send with
 * {@code zabbix_sender}, keeps it in the ledger, and answers only once it is durable.
 *
 * <p>The protocol, from PROTOCOLS.md §1 (the trapper's side): one {@code sender data} request per connection,
 * framed with {@code ZBXD}, flags 0x01 or 0x03 (zlib), LE32 datalen and LE32 reserved
 * ({@link dev.concierge.courier.sources.zabbix.ZabbixRequestDecoder}); rows read as the by-keys path reads them,
 * host and key verbatim ({@link dev.concierge.courier.sources.zabbix.ZabbixSenderDataReader}, samples of type
 * {@code ITEM}, which the Zabbix sink sends without rendering a key); a reply in the server's words
 * ({@link dev.concierge.courier.sources.zabbix.ZabbixReply}), compressed when the request was.
 *
 * <p><b>Why its own codec rather than the Zabbix sink's.</b> Sources and sinks never depend on each other, and
 * the sink's {@code ZabbixFrameDecoder}/{@code Encoder} are a client's: they take any frame a server may send
 * (the "large" flag, replies of any size) and encode requests. A server reads differently: one request per
 * connection, a size limit checked before anything is buffered, no "large" frames, nothing after the payload,
 * and failures answered uncompressed. What the two sides share is thirteen header bytes, which is too little to
 * justify a third module or Netty-free framing in core, and the sink's client is being reworked separately; so
 * the intake reads and writes the header itself, from the protocol, in the shape a server needs.
 *
 * <p><b>Acknowledgement.</b> The reply waits for the pipeline's receipt
 * ({@link dev.concierge.courier.core.spi.AcknowledgingEmitter}): {@code processed} means in the backlog of every
 * sink the values are routed to, and synced. {@code failed} counts only what the courier refused itself (rows
 * that are malformed or over a limit, values a full ring refused); what the real server later refuses is
 * recorded per batch in the ledger, not told to the script, which has long gone.
 *
 * <p><b>Safe by default.</b> Loopback clients only unless {@code allowed} names others; a request size limit, a
 * connection limit and a time limit to send the request (see {@link dev.concierge.courier.sources.intake}); TLS
 * with certificates when configured.
 */
package dev.concierge.courier.sources.zabbix;
