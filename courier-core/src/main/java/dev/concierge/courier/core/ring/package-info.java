/**
 * The lock-free ring between sources and sinks: many producers, every reader sees every sample.
 *
 * <h2>Memory-ordering conventions</h2>
 *
 * Written once here; fields that cross threads say at their declaration which rule they follow.
 * <ul>
 *   <li><b>Claim.</b> One word holds the bytes in use (high half) and the low 32 bits of the next sequence
 *       (low half); a producer reserves the sample's bytes and claims the sequence with one CAS on it
 *       (volatile semantics), after a volatile load of {@code reclaimed}. A claimed sequence is always
 *       published: nothing after the claim can fail. Sequences are compared by their low 32 bits with int
 *       arithmetic wherever both sides are within one ring of each other, which a claim, a cursor and
 *       {@code reclaimed} always are.</li>
 *   <li><b>Publish.</b> The producer writes the slot's sample and size with plain stores, then stores the
 *       sequence's low 32 bits into the slot's availability flag (an {@code int}) with a <em>release</em>
 *       store (the Disruptor's {@code MultiProducerSequencer} does the same with round numbers). A reader
 *       loads the flag with an <em>acquire</em> load and compares it with the sequence it expects; only on a
 *       match does it read the slot, with plain loads. A slot is reused only after every reader passed it,
 *       so the flag holds the expected sequence or the one a lap before, never one 2^32 away.</li>
 *   <li><b>Drain.</b> A reader's cursor (the next sequence it will read) is written only by its owner,
 *       once per drain, with a <em>volatile</em> store, and read by everyone else with volatile loads.
 *       Volatile rather than release because two readers finishing at once must not both miss the other's
 *       progress when they compute the slowest reader.</li>
 *   <li><b>Reclaim.</b> Every sequence below {@code reclaimed} has been passed by every open reader.
 *       Whoever finds it can be moved (a reader after a drain, a reader closing or registering, a producer
 *       about to refuse) computes the slowest cursor, sums the sizes of the published slots it passes, and
 *       moves {@code reclaimed} with a CAS; only the winner gives the bytes back (a {@code getAndAdd} on
 *       the claim word's high half), so each slot's bytes are given back exactly once. {@code reclaimed}
 *       only grows, so a stale CAS always fails. Producers gate their claim on it with a volatile load.</li>
 *   <li><b>Clearing.</b> A reader that, at the start of a drain, finds every other reader's cursor past a
 *       slot clears the slot's sample with a plain store after reading it. No producer can reuse the slot
 *       before this reader's cursor store (volatile) passes it, and a reader registering later starts past
 *       it (the same list re-check as for reclaiming), so nobody reads the cleared slot.</li>
 *   <li><b>Registration.</b> The reader list is a copy-on-write array swapped by CAS. A new reader enters
 *       the list with no cursor yet (reclaimers step aside), then takes the claim word as its cursor.
 *       A reclaimer re-reads the list after reading the cursors and starts again if it changed; so one that
 *       missed the new reader read every cursor before the new reader read the claim word, and cannot
 *       free anything the new reader will read.</li>
 *   <li><b>Wake-up.</b> A reader about to park stores itself as the waiter and then loads the claim
 *       counter; a producer, after publishing, loads each reader's waiter. The producer's claim CAS and
 *       these loads are all volatile, so either the producer sees the waiter and unparks it, or the reader
 *       sees the claim and does not park. When nobody is parked a publish costs one volatile load per
 *       reader.</li>
 *   <li><b>Padding.</b> The claim word (CAS by producers, {@code getAndAdd} by reclaimers),
 *       {@code reclaimed} (CAS by reclaimers), the refusal count (producers on a full ring) and each
 *       reader's cursor (its owner) are each a {@code PaddedLong} with its cache lines to itself, as the
 *       Disruptor pads its {@code Sequence}s. Side by side in one object, every CAS or store on one of them
 *       would invalidate the line every other thread reads the rest from, on every publish.</li>
 * </ul>
 *
 * <p>Nothing on the publish or drain path allocates; registering and closing readers do.
 */
package dev.concierge.courier.core.ring;
