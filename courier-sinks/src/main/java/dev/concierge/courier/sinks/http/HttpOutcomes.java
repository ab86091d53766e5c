package dev.concierge.courier.sinks.http;

import dev.concierge.courier.core.spi.FailureText;
import dev.concierge.courier.core.spi.DeliveryOutcome;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.time.Instant;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import javax.net.ssl.SSLException;

/** Turns an HTTP answer, or the lack of one, into a {@link DeliveryOutcome}. Stateless. */
final class HttpOutcomes {
    /** How much of an error body goes into the ledger's detail. */
    static final int BODY_CHARS = 256;

    private HttpOutcomes() {
    }

    /**
     * The outcome of a response.
     * <ul>
     *   <li>2xx: {@link DeliveryOutcome.Delivered}, or {@link DeliveryOutcome.PartiallyRejected} when the
     *       encoder had to skip samples; detail {@code HTTP 204}.</li>
     *   <li>408, 429 and 5xx: {@link DeliveryOutcome.Retry}, with {@code Retry-After} when the server sent
     *       one.</li>
     *   <li>Any other status (other 4xx, and 1xx/3xx, which a POST with redirects off should not get):
     *       {@link DeliveryOutcome.Rejected} with the status and the body's first {@value #BODY_CHARS}
     *       characters. Resending the same body would get the same answer.</li>
     * </ul>
     */
    static DeliveryOutcome ofResponse(int status, String retryAfter, String body, Instant now, int written,
                                      int skipped) {
        String detail = "HTTP " + status;
        if (status >= 200 && status < 300) {
            if (skipped > 0) {
                return new DeliveryOutcome.PartiallyRejected(written, skipped,
                        detail + "; skipped " + skipped + " non-finite values");
            }
            return new DeliveryOutcome.Delivered(detail);
        }
        String withBody = body == null || body.isBlank() ? detail : detail + ": " + firstChars(body.strip());
        if (status == 408 || status == 429 || (status >= 500 && status < 600)) {
            return new DeliveryOutcome.Retry(withBody, HttpRetryAfter.parse(retryAfter, now));
        }
        return new DeliveryOutcome.Rejected(withBody);
    }

    /** Every failure to get a response is a Retry: the request may or may not have been processed. */
    static DeliveryOutcome ofFailure(Throwable failure) {
        return DeliveryOutcome.Retry.of(describe(failure));
    }

    static String describe(Throwable failure) {
        Throwable t = failure;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        String message = t.getMessage() == null ? "" : ": " + t.getMessage();
        if (t instanceof HttpConnectTimeoutException) {
            return "connect timeout" + message;
        }
        if (t instanceof HttpTimeoutException) {
            return "read timeout" + message;
        }
        if (t instanceof ConnectException) {
            return "connect: " + (t.getMessage() == null ? "refused" : t.getMessage());
        }
        if (t instanceof SSLException) {
            return "TLS: " + t.getMessage();
        }
        // The JDK client wraps handshake failures in a plain IOException; its cause tells the story.
        if (t instanceof IOException && t.getCause() instanceof SSLException ssl) {
            return "TLS: " + ssl.getMessage();
        }
        return FailureText.of(t);
    }

    static String firstChars(String text) {
        return text.length() <= BODY_CHARS ? text : text.substring(0, BODY_CHARS) + "...";
    }
}
