/**
 * The delivery ledger: each sink's backlog of samples still owed and the record of every settlement.
 * {@link dev.concierge.courier.core.ledger.InMemoryDeliveryLedger} keeps both in memory;
 * {@link dev.concierge.courier.core.ledger.FileDeliveryLedger} keeps the same contract on disk.
 *
 * <p>Conventions of the file ledger:
 * <ul>
 *   <li>Every file is a sequence of frames {@code [u32 length][u32 CRC32C][payload]}
 *       ({@code LogFrames}); a frame that runs past the end or fails its checksum ends the good part of
 *       the file. Opening cuts it there and reports it, as a WARN log and a {@code DROPPED} record; it
 *       never refuses to start on damaged data and never needs a file deleted by hand.</li>
 *   <li>A segment payload is the sample's sequence number (8 bytes) and the sample ({@code SampleCodec});
 *       a {@code ledger.log} payload is one {@link dev.concierge.courier.core.ledger.DeliveryRecord} or a
 *       sink's totals ({@code DeliveryRecordCodec}). Numbers are big-endian or LEB128 varints.</li>
 *   <li>Order of durable steps: a segment is deleted only after a cursor that lies past it is durable; the
 *       whole order is written once, in {@link dev.concierge.courier.core.ledger.FileSinkBacklog}'s class
 *       comment, and followed by its sync.</li>
 *   <li>A {@code FileSinkBacklog} is split by job into package-private parts, each with its own test:
 *       {@code SegmentLog}, {@code CursorFile}, {@code SettledCursor}, {@code MemoryWindow},
 *       {@code RequeuedBatches}, {@code OverBudgetEviction} and {@code WriteFailures}. They are not thread-safe; the backlog's
 *       lock guards them all.</li>
 *   <li>Losses are also kept as {@link dev.concierge.courier.core.ledger.LossRange}s, coalesced by
 *       {@code LossRanges} while they go on, in a {@code losses} file of their own ({@code LossLog},
 *       {@code LossRangeCodec}) that is compacted, never rotated, so that they outlive {@code ledger.log}.</li>
 *   <li>{@link dev.concierge.courier.core.ledger.LedgerSnapshot} reads every file read-only, without the lock,
 *       beside a running ledger; it never cuts a tail, since the tail may be an append in progress.</li>
 *   <li>At least once: after a crash, samples in flight, and samples settled after an unsettled batch or
 *       since the last sync, are sent again.</li>
 * </ul>
 */
package dev.concierge.courier.core.ledger;
