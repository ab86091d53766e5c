package dev.concierge.courier.core.spi;

/**
 * The most samples one collect of a source may yield, as Prometheus's {@code sample_limit}: a collect that
 * would yield more fails whole (nothing of it is offered), is counted and logged, and the source is tried
 * again at its next interval. A source's parser stops as soon as it passes the limit, so a target that serves
 * a million series costs the heap no more than the limit does; {@code max_size} bounds bytes, this bounds
 * samples.
 *
 * <p>Unless configured, the limit follows the heap ({@link #ofHeap}): one collect may hold about a quarter
 * of it, at {@value #HEAP_BYTES_PER_SAMPLE} bytes a sample by that share (a parsed sample, its value, its
 * slot in the collect's list and its entry in the parser's caches take up to about 175 bytes). That is
 * 35,000 samples for the small profile's 24 MiB heap (a Dropwizard document of 2,000 timers, 34,000 values,
 * fits) and 92,000 for the sidecar's 64 MiB.
 *
 * @param samples at least 1; {@link Integer#MAX_VALUE} for no limit ({@link #NONE})
 */
public record SampleLimit(int samples) {
    /** The heap a collect's sample may cost, times four: see the class. */
    public static final int HEAP_BYTES_PER_SAMPLE = 700;
    /** The least a derived limit allows, however small the heap. */
    public static final int LEAST_DERIVED = 1_000;
    /** No limit ({@code sample_limit: 0}, as in Prometheus). */
    public static final SampleLimit NONE = new SampleLimit(Integer.MAX_VALUE);

    public SampleLimit {
        if (samples < 1) {
            throw new IllegalArgumentException("samples: " + samples + " (expected: >= 1)");
        }
    }

    /** The limit for a heap of {@code maxHeap} bytes ({@link Runtime#maxMemory()}); see the class. */
    public static SampleLimit ofHeap(long maxHeap) {
        return new SampleLimit((int) Math.max(LEAST_DERIVED, Math.min(Integer.MAX_VALUE - 1L,
                maxHeap / HEAP_BYTES_PER_SAMPLE)));
    }

    /** The limit for this JVM's heap. */
    public static SampleLimit ofThisHeap() {
        return ofHeap(Runtime.getRuntime().maxMemory());
    }

    /** The limit a {@code sample_limit} setting names: 0 for none, otherwise that many samples. */
    public static SampleLimit ofSetting(int samples) {
        return samples == 0 ? NONE : new SampleLimit(samples);
    }

    /** Whether a collect of {@code count} samples is within the limit. */
    public boolean allows(long count) {
        return count <= samples;
    }

    /** As the setting writes it: {@code 0} for none. */
    public int setting() {
        return samples == Integer.MAX_VALUE ? 0 : samples;
    }

    @Override
    public String toString() {
        return samples == Integer.MAX_VALUE ? "none" : String.valueOf(samples);
    }
}
