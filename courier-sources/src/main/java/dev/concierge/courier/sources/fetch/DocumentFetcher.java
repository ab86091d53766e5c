package dev.concierge.courier.sources.fetch;

import dev.concierge.courier.core.spi.SecretMask;
import dev.concierge.courier.core.spi.SourceException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Reads one whole document from a fixed location, bounded in size (and in time where the transport can
 * stall). Called from a source's {@code collect}, on the pipeline's scheduler thread; blocks for at most
 * the configured timeout.
 */
public interface DocumentFetcher extends AutoCloseable {

    /** The largest cap a fetcher accepts: a document is held in one Java array. */
    long LARGEST_CAP = Integer.MAX_VALUE - 8;

    /** An HTTP GET of {@code url}; see {@link HttpFetcher}. */
    static DocumentFetcher http(URI url, Duration timeout, long maxBytes) {
        return HttpFetcher.create(url, timeout, maxBytes);
    }

    /** A read of {@code file}; see {@link FileFetcher}. */
    static DocumentFetcher file(Path file, long maxBytes) {
        return new FileFetcher(file, maxBytes);
    }

    /** Where the document comes from, as it appears at the start of every error message. */
    String location();

    /** The largest document accepted, in bytes. */
    long maxBytes();

    /**
     * Reads the document.
     *
     * @return the whole document, exactly as many bytes as were read; never more than {@link #maxBytes()}
     * @throws SourceException when the document could not be read in full within the limits; the message
     *                         starts with {@link #location()}
     */
    byte[] fetch() throws SourceException;

    /**
     * Reads the document with what the transport said about it; the same limits and errors as
     * {@link #fetch()}. Fetchers without such metadata (files) answer a null content type.
     */
    default FetchedDocument fetchDocument() throws SourceException {
        return new FetchedDocument(fetch(), null);
    }

    /**
     * The secrets this fetcher sends to its peer (passwords, tokens), for the source's
     * {@link dev.concierge.courier.core.spi.Source#secrets()}; none by default. Any thread.
     */
    default SecretMask secrets() {
        return SecretMask.none();
    }

    /** Releases what the fetcher holds. Fetching after close is not supported. */
    @Override
    default void close() {
    }
}
