package dev.concierge.courier.sources.fetch;

import dev.concierge.courier.core.settings.ByteSize;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * Collects a response body into one array and gives up, cancelling the subscription (which makes the
 * client close the connection), the moment the body would cross the cap. The HTTP client calls it
 * serially, as the reactive-streams rules require, so its state needs no locking.
 */
final class BoundedBodySubscriber implements HttpResponse.BodySubscriber<byte[]> {
    private static final int FIRST_CHUNK = 64 * 1024;

    private final CompletableFuture<byte[]> body = new CompletableFuture<>();
    private final long maxBytes;
    private Flow.Subscription subscription;
    private byte[] buffer;
    private int length;

    /** @param expectedLength the Content-Length when the server sent one (already checked against the cap), else -1 */
    BoundedBodySubscriber(long maxBytes, long expectedLength) {
        this.maxBytes = maxBytes;
        this.buffer = new byte[(int) (expectedLength >= 0 ? expectedLength : Math.min(FIRST_CHUNK, maxBytes))];
    }

    /** A subscriber that refuses the body at once: for bad statuses and oversized Content-Length. */
    static HttpResponse.BodySubscriber<byte[]> refusing(IOException reason) {
        return new HttpResponse.BodySubscriber<>() {
            private final CompletableFuture<byte[]> body = CompletableFuture.failedFuture(reason);

            @Override
            public CompletionStage<byte[]> getBody() {
                return body;
            }

            @Override
            public void onSubscribe(Flow.Subscription subscription) {
                subscription.cancel();
            }

            @Override
            public void onNext(List<ByteBuffer> item) {
            }

            @Override
            public void onError(Throwable throwable) {
            }

            @Override
            public void onComplete() {
            }
        };
    }

    @Override
    public CompletionStage<byte[]> getBody() {
        return body;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        this.subscription = subscription;
        subscription.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> chunks) {
        if (body.isDone()) {
            return;
        }
        for (ByteBuffer chunk : chunks) {
            int n = chunk.remaining();
            if (length + (long) n > maxBytes) {
                buffer = null;
                subscription.cancel();
                body.completeExceptionally(new FetchRefusedException("body exceeds " + ByteSize.format(maxBytes) + " cap"));
                return;
            }
            if (length + n > buffer.length) {
                buffer = Arrays.copyOf(buffer, (int) Math.min(maxBytes, Math.max(length + n, 2L * buffer.length)));
            }
            chunk.get(buffer, length, n);
            length += n;
        }
    }

    @Override
    public void onError(Throwable throwable) {
        buffer = null;
        body.completeExceptionally(throwable);
    }

    @Override
    public void onComplete() {
        if (!body.isDone()) {
            body.complete(length == buffer.length ? buffer : Arrays.copyOf(buffer, length));
            buffer = null;
        }
    }
}
