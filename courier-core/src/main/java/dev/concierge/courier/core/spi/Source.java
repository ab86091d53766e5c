package dev.concierge.courier.core.spi;

/**
 * A place metrics are read from. The pipeline calls {@link #collect} on its scheduler's thread, never
 * concurrently with itself; a run that would overlap the previous one is skipped and counted by the
 * pipeline, so an implementation need not guard against that.
 */
public interface Source extends AutoCloseable {

    /** The configured name; it goes into every sample's {@code source} and into the accounting. */
    String name();

    /**
     * Reads the source once and offers every sample to {@code out}. Must return within the source's own
     * timeouts; must not retain {@code out} after returning.
     *
     * @throws SourceException when nothing usable could be read; the pipeline logs it, counts it and
     *                         tries again at the next interval
     */
    void collect(Emitter out) throws SourceException;

    /**
     * The secrets this source sends to its peer (tokens). The pipeline hides them in a failed collect's
     * message before it logs or shows it, since a peer may echo them back. None by default.
     */
    default SecretMask secrets() {
        return SecretMask.none();
    }

    /** Releases what the source holds (HTTP clients, files). Called once, after the last collect. */
    @Override
    default void close() {
    }
}
