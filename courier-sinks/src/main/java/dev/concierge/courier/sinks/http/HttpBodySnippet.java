package dev.concierge.courier.sinks.http;

import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * Keeps the first {@code limit} bytes of a response body as text and discards the rest while still
 * reading it to the end, so the connection can be reused and an error page of any size costs bounded
 * memory. {@link #cancel} gives up on the body and the connection (the read timeout).
 */
final class HttpBodySnippet implements HttpResponse.BodySubscriber<String> {
    private final byte[] kept;
    private final CompletableFuture<String> body = new CompletableFuture<>();
    private int length;
    private boolean cut;
    private volatile Flow.Subscription subscription;
    private volatile boolean cancelled;

    HttpBodySnippet(int limit) {
        this.kept = new byte[limit];
    }

    @Override
    public CompletionStage<String> getBody() {
        return body;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        this.subscription = subscription;
        if (cancelled) {
            subscription.cancel();
        } else {
            subscription.request(Long.MAX_VALUE);
        }
    }

    // Flow guarantees onNext, onError and onComplete are signalled serially.
    @Override
    public void onNext(List<ByteBuffer> buffers) {
        for (ByteBuffer buffer : buffers) {
            int n = Math.min(buffer.remaining(), kept.length - length);
            buffer.get(kept, length, n);
            length += n;
            cut |= buffer.hasRemaining();
        }
    }

    @Override
    public void onError(Throwable failure) {
        body.completeExceptionally(failure);
    }

    @Override
    public void onComplete() {
        // A cut may split a UTF-8 sequence; this constructor replaces it with U+FFFD rather than failing.
        // The completion publishes cut to whoever reads the body.
        body.complete(new String(kept, 0, length, StandardCharsets.UTF_8));
    }

    /** Whether the body was longer than what is kept; read after the body completed. */
    boolean cut() {
        return cut;
    }

    /** Stops reading; the client then closes the connection. */
    void cancel() {
        cancelled = true;
        Flow.Subscription s = subscription;
        if (s != null) {
            s.cancel();
        }
    }
}
