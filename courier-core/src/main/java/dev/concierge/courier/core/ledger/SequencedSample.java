package dev.concierge.courier.core.ledger;

import dev.concierge.courier.core.model.Sample;

/**
 * A sample a file backlog owes, with the sequence number it was given on append, the size of its frame in a
 * segment (the measure of the byte budget, whether or not it was written), and whether that frame is on
 * disk: false while a failing disk keeps it in memory only.
 */
record SequencedSample(long seq, Sample sample, int frameBytes, boolean onDisk) {
}
