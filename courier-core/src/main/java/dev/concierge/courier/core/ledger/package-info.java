/**
 * The delivery ledger: each sink's backlog of samples still owed and the record of every settlement.
 * Its promise: no owed sample disappears without a {@code DROPPED} record saying how many, and when known, from
 * when to when.
 * {@link dev.concierge.courier.core.ledger.InMemoryDeliveryLedger} keeps both in memory;
 * {@link dev.concierge.courier.core.ledger.FileDeliveryLedger} keeps the same contract on disk.
 *
 * <p>Conventions of the file ledger:
 * <ul>
 *   <li>Every file is a sequence of frames {@code [u32 length][u32 CRC32C][payload]}
 *       ({@code LogFrames}); a frame that runs past the end or fails its checksum is skipped by resynchronising
 *       on the next frame whose header, sequence and checksum agree (and overwritten with a padding frame, so it
 *       is reported once); only a bad frame with nothing good behind it ends the file, and opening cuts it there.
 *       Either is reported as a WARN naming the file and a {@code DROPPED} record counting the owed samples
 *       lost (never those already settled); it never refuses to start on damaged data and never needs a file
 *       deleted by hand.</li>
 *   <li>What should be there: each backlog's {@code state} file ({@code BacklogState}) records, at every sync,
 *       the cursor, the next sequence and each segment's last sequence and record count. The next open compares:
 *       a segment gone or shorter than recorded lost the owed samples it held, a drained one lost nothing; a
 *       cursor ahead of the recorded one was moved and is not trusted (the backlog resends from the recorded
 *       one).</li>
 *   <li>A full disk (decision): samples whose write fails are held in memory (bounded by the budget) and their
 *       count and time range are kept in the {@code state} file, written in place in space reserved when the
 *       file was created, so it needs no free block; a kill -9 before the disk recovers is then recorded at the
 *       next open as a loss of exactly that many (at most: some may have been delivered unacknowledged).
 *       Preallocating segments was the alternative; it costs the reserve for every segment and still loses the
 *       samples, so only the count is reserved. Settlement records that cannot reach {@code ledger.log} are kept
 *       in memory (at most 100,000, the oldest discarded past that and counted) and written, in order, when it
 *       can be written again; the recovery is logged once. A crash before then loses those records (the
 *       samples they settle were delivered), not the record of any loss that the state file holds.</li>
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
