package dev.concierge.courier.sources.fetch;

import java.util.Objects;

/**
 * A fetched document and what its transport said about it.
 *
 * @param body        the whole document, decompressed when the server sent it gzip-encoded
 * @param contentType the response's {@code Content-Type} header; null for files and when the server sent none
 */
public record FetchedDocument(byte[] body, String contentType) {
    public FetchedDocument {
        Objects.requireNonNull(body, "body");
    }
}
