package dev.concierge.courier.core.ledger;

import dev.concierge.courier.core.model.Labels;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The series (name and labels), hosts and sources of samples lately read back from a segment, so that the
 * samples read back share one {@code String} and one {@link Labels} per series, as the samples a source parses
 * do, instead of decoding new ones for every sample. A backlog that fell behind reads back whole scrapes of the
 * same series; without this each such sample held five to ten strings of its own, about three times the heap of
 * a parsed one, in the memory window and in every batch in flight.
 *
 * <p>Looked up by the record's bytes, compared in full: a hit returns what those very bytes decoded to before,
 * so it can return nothing that decoding them again would not. A fixed table of {@value #SLOTS} entries,
 * one per hash, the newest kept; never more than that many series, whatever was read. A backlog of scrapes of
 * many more series than that finds almost nothing in it (each slot is taken by another series before its own
 * comes round again), and a miss costs a scan, a hash and a copy: so when fewer than a quarter of
 * {@value #PROBE} lookups hit, the table {@link #active rests} for the next {@value #REST} samples.
 *
 * <p>Not thread-safe: one per {@link SegmentLog}, used under its backlog's lock.
 */
final class ReadBackSeries {
    static final int SLOTS = 4096;
    static final int PROBE = 1024;
    static final int REST = 16 * PROBE;

    private final byte[][] seriesBytes = new byte[SLOTS][];
    private final String[] names = new String[SLOTS];
    private final Labels[] labels = new Labels[SLOTS];
    // Hosts and sources: a backlog reads back few distinct ones, so the last one of each is enough.
    private final byte[][] textBytes = new byte[2][];
    private final String[] texts = new String[2];
    private int hits;
    private int misses;
    private int probeLookups;
    private int probeHits;
    private int resting;

    static final int HOST = 0;
    static final int SOURCE = 1;

    /**
     * The slot of the series whose bytes are {@code in[from, to)} when it was read before, else -1; the bytes
     * of a sample's name and label block.
     */
    int find(ByteBuffer in, int from, int to) {
        int slot = slot(in, from, to);
        byte[] known = seriesBytes[slot];
        boolean hit = known != null && sameBytes(known, in, from, to);
        if (hit) {
            hits++;
            probeHits++;
        } else {
            misses++;
        }
        if (++probeLookups == PROBE) {
            if (probeHits < PROBE / 4) {
                resting = REST;
            }
            probeLookups = 0;
            probeHits = 0;
        }
        return hit ? slot : -1;
    }

    /** Whether to look the next sample's series up at all: false while the table rests. */
    boolean active() {
        if (resting > 0) {
            resting--;
            return false;
        }
        return true;
    }

    String name(int slot) {
        return names[slot];
    }

    Labels labels(int slot) {
        return labels[slot];
    }

    /** Remembers what the bytes {@code in[from, to)} decoded to, in place of whatever had their slot. */
    void remember(ByteBuffer in, int from, int to, String name, Labels decodedLabels) {
        int slot = slot(in, from, to);
        seriesBytes[slot] = copy(in, from, to);
        names[slot] = name;
        labels[slot] = decodedLabels;
    }

    /** The host ({@link #HOST}) or source ({@link #SOURCE}) last read from the same bytes, else null. */
    String text(int which, ByteBuffer in, int from, int to) {
        byte[] known = textBytes[which];
        return known != null && sameBytes(known, in, from, to) ? texts[which] : null;
    }

    void rememberText(int which, ByteBuffer in, int from, int to, String text) {
        textBytes[which] = copy(in, from, to);
        texts[which] = text;
    }

    /** Series found among those read before, and not, since this was made. */
    int hits() {
        return hits;
    }

    int misses() {
        return misses;
    }

    private static int slot(ByteBuffer in, int from, int to) {
        int h = 1;
        for (int i = from; i < to; i++) {
            h = 31 * h + in.get(i);
        }
        return (h ^ (h >>> 16)) & (SLOTS - 1);
    }

    private static boolean sameBytes(byte[] known, ByteBuffer in, int from, int to) {
        if (known.length != to - from) {
            return false;
        }
        if (in.hasArray()) {
            int offset = in.arrayOffset();
            return Arrays.equals(known, 0, known.length, in.array(), offset + from, offset + to);
        }
        for (int i = 0; i < known.length; i++) {
            if (known[i] != in.get(from + i)) {
                return false;
            }
        }
        return true;
    }

    private static byte[] copy(ByteBuffer in, int from, int to) {
        byte[] bytes = new byte[to - from];
        in.get(from, bytes);
        return bytes;
    }
}
