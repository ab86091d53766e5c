package dev.concierge.courier.core.ledger;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.time.Instant;

/**
 * The binary form of the entries of {@code ledger.log}: a tag byte, then the entry.
 *
 * <pre>
 * 1 = a DeliveryRecord: sink string, batchId, samples, accepted, rejected, dropped (zigzag varints),
 *     outcome byte (1 delivered, 2 partially rejected, 3 rejected, 4 dropped), attempts (zigzag),
 *     at, then oldestSample and newestSample each as a presence byte (0 or 1) and a time, detail string;
 *     a time is epoch seconds (zigzag) then nanos (varint)
 * 2 = running totals of one sink, written first in every new file so that totals outlive rotation:
 *     sink string, batches, accepted, rejected, dropped (zigzag varints)
 * </pre>
 */
final class DeliveryRecordCodec {
    static final byte RECORD = 1;
    static final byte TOTALS = 2;
    private static final DeliveryRecord.Outcome[] OUTCOMES = {null, DeliveryRecord.Outcome.DELIVERED,
            DeliveryRecord.Outcome.PARTIALLY_REJECTED, DeliveryRecord.Outcome.REJECTED, DeliveryRecord.Outcome.DROPPED};

    /** What one entry of the log says. */
    interface Visitor {
        void record(DeliveryRecord record);

        void totals(String sink, LedgerTotals totals);
    }

    private DeliveryRecordCodec() {
    }

    static void encode(DeliveryRecord record, CompactWriter out) {
        out.writeByte(RECORD);
        out.writeString(record.sink());
        out.writeZigZag(record.batchId());
        out.writeZigZag(record.samples());
        out.writeZigZag(record.accepted());
        out.writeZigZag(record.rejected());
        out.writeZigZag(record.dropped());
        out.writeByte(switch (record.outcome()) {
            case DELIVERED -> 1;
            case PARTIALLY_REJECTED -> 2;
            case REJECTED -> 3;
            case DROPPED -> 4;
        });
        out.writeZigZag(record.attempts());
        writeInstant(record.at(), out);
        writeOptionalInstant(record.oldestSample(), out);
        writeOptionalInstant(record.newestSample(), out);
        out.writeString(record.detail());
    }

    static void encodeTotals(String sink, LedgerTotals totals, CompactWriter out) {
        out.writeByte(TOTALS);
        out.writeString(sink);
        out.writeZigZag(totals.batches());
        out.writeZigZag(totals.accepted());
        out.writeZigZag(totals.rejected());
        out.writeZigZag(totals.dropped());
    }

    /** @throws IllegalArgumentException when the bytes are not an entry */
    static void decode(ByteBuffer in, Visitor visitor) {
        try {
            byte tag = in.get();
            if (tag == TOTALS) {
                String sink = CompactReader.readString(in);
                LedgerTotals totals = new LedgerTotals(CompactReader.readZigZag(in), CompactReader.readZigZag(in),
                        CompactReader.readZigZag(in), CompactReader.readZigZag(in));
                requireEnd(in);
                visitor.totals(sink, totals);
                return;
            }
            if (tag != RECORD) {
                throw new IllegalArgumentException("ledger entry tag: " + tag + " (expected: 1 or 2)");
            }
            String sink = CompactReader.readString(in);
            long batchId = CompactReader.readZigZag(in);
            int samples = (int) CompactReader.readZigZag(in);
            int accepted = (int) CompactReader.readZigZag(in);
            int rejected = (int) CompactReader.readZigZag(in);
            int dropped = (int) CompactReader.readZigZag(in);
            int outcome = in.get();
            if (outcome < 1 || outcome >= OUTCOMES.length) {
                throw new IllegalArgumentException("outcome: " + outcome + " (expected: 1.." + (OUTCOMES.length - 1) + ")");
            }
            int attempts = (int) CompactReader.readZigZag(in);
            Instant at = readInstant(in);
            Instant oldest = readOptionalInstant(in);
            Instant newest = readOptionalInstant(in);
            String detail = CompactReader.readString(in);
            requireEnd(in);
            visitor.record(new DeliveryRecord(sink, batchId, samples, accepted, rejected, dropped, OUTCOMES[outcome],
                    attempts, at, oldest, newest, detail));
        } catch (BufferUnderflowException | java.time.DateTimeException e) {
            throw new IllegalArgumentException("ledger entry: " + e + " (expected: a complete entry)", e);
        }
    }

    private static void requireEnd(ByteBuffer in) {
        if (in.hasRemaining()) {
            throw new IllegalArgumentException("trailing bytes: " + in.remaining() + " (expected: 0)");
        }
    }

    static void writeInstant(Instant at, CompactWriter out) {
        out.writeZigZag(at.getEpochSecond());
        out.writeVarLong(at.getNano());
    }

    static void writeOptionalInstant(Instant at, CompactWriter out) {
        if (at == null) {
            out.writeByte(0);
        } else {
            out.writeByte(1);
            writeInstant(at, out);
        }
    }

    static Instant readInstant(ByteBuffer in) {
        long seconds = CompactReader.readZigZag(in);
        return Instant.ofEpochSecond(seconds, CompactReader.readCount(in, "nanos", 999_999_999));
    }

    static Instant readOptionalInstant(ByteBuffer in) {
        byte present = in.get();
        if (present == 0) {
            return null;
        }
        if (present != 1) {
            throw new IllegalArgumentException("time presence: " + present + " (expected: 0 or 1)");
        }
        return readInstant(in);
    }
}
