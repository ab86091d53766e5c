package dev.concierge.courier.core.ledger;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.time.DateTimeException;
import java.time.Instant;

/**
 * The binary form of one state of a {@link LossRange} in the {@code losses} file: a tag byte {@code 1}, then
 * the id (varint), the origin byte (1 sink, 2 source), the name and reason strings, the count (varint), the
 * first and last sample times (each a presence byte and a time), the first and last loss times, and the
 * closing time (presence byte and time). Times are written as in {@code ledger.log} ({@link DeliveryRecordCodec}).
 */
final class LossRangeCodec {
    static final byte RANGE = 1;

    private LossRangeCodec() {
    }

    static void encode(LossRange range, CompactWriter out) {
        out.writeByte(RANGE);
        out.writeVarLong(range.id());
        out.writeByte(range.origin() == LossRange.Origin.SINK ? 1 : 2);
        out.writeString(range.name());
        out.writeString(range.reason());
        out.writeVarLong(range.count());
        DeliveryRecordCodec.writeOptionalInstant(range.firstSample(), out);
        DeliveryRecordCodec.writeOptionalInstant(range.lastSample(), out);
        DeliveryRecordCodec.writeInstant(range.firstLoss(), out);
        DeliveryRecordCodec.writeInstant(range.lastLoss(), out);
        DeliveryRecordCodec.writeOptionalInstant(range.closedAt(), out);
    }

    /** @throws IllegalArgumentException when the bytes are not a range */
    static LossRange decode(ByteBuffer in) {
        try {
            byte tag = in.get();
            if (tag != RANGE) {
                throw new IllegalArgumentException("loss entry tag: " + tag + " (expected: 1)");
            }
            long id = CompactReader.readVarLong(in);
            byte origin = in.get();
            if (origin != 1 && origin != 2) {
                throw new IllegalArgumentException("loss origin: " + origin + " (expected: 1 or 2)");
            }
            String name = CompactReader.readString(in);
            String reason = CompactReader.readString(in);
            long count = CompactReader.readVarLong(in);
            Instant firstSample = DeliveryRecordCodec.readOptionalInstant(in);
            Instant lastSample = DeliveryRecordCodec.readOptionalInstant(in);
            Instant firstLoss = DeliveryRecordCodec.readInstant(in);
            Instant lastLoss = DeliveryRecordCodec.readInstant(in);
            Instant closedAt = DeliveryRecordCodec.readOptionalInstant(in);
            if (in.hasRemaining()) {
                throw new IllegalArgumentException("trailing bytes: " + in.remaining() + " (expected: 0)");
            }
            return new LossRange(id, origin == 1 ? LossRange.Origin.SINK : LossRange.Origin.SOURCE, name, reason,
                    count, firstSample, lastSample, firstLoss, lastLoss, closedAt);
        } catch (BufferUnderflowException | DateTimeException e) {
            throw new IllegalArgumentException("loss entry: " + e + " (expected: a complete entry)", e);
        }
    }
}
