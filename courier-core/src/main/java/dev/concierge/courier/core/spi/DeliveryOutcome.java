package dev.concierge.courier.core.spi;

import java.time.Duration;

/**
 * How a destination answered one batch. Only {@link Retry} sends the batch again; every other outcome
 * settles it for good.
 */
public sealed interface DeliveryOutcome
        permits DeliveryOutcome.Delivered, DeliveryOutcome.PartiallyRejected, DeliveryOutcome.Rejected,
        DeliveryOutcome.Retry {

    /** A short text for the ledger: the server's answer, or why it failed. */
    String detail();

    /**
     * Every sample was accepted. For destinations without acknowledgements (Graphite) this means written and
     * flushed to the socket, and {@code detail} says so.
     */
    record Delivered(String detail) implements DeliveryOutcome {
    }

    /**
     * The destination took the batch but refused some rows. Zabbix answers with counts, not per-row
     * results, so this carries counts; the rows are settled and never resent.
     *
     * @param unsupported of the {@code rejected}, those the destination cannot hold by design (text to Graphite,
     *                    which stores numbers only): settled and counted like the others, but not data an
     *                    operator expected and lost, so the runner says it once instead of warning per batch
     */
    record PartiallyRejected(int accepted, int rejected, String detail, int unsupported) implements DeliveryOutcome {
        public PartiallyRejected {
            if (accepted < 0 || rejected <= 0) {
                throw new IllegalArgumentException("accepted/rejected: " + accepted + "/" + rejected
                        + " (expected: accepted >= 0, rejected > 0)");
            }
            if (unsupported < 0 || unsupported > rejected) {
                throw new IllegalArgumentException("unsupported: " + unsupported + " (expected: 0 to rejected, "
                        + rejected + ")");
            }
        }

        /** Refused rows, none of them unsupported by design. */
        public PartiallyRejected(int accepted, int rejected, String detail) {
            this(accepted, rejected, detail, 0);
        }
    }

    /** The destination refused the whole batch for a reason that retrying will not fix. */
    record Rejected(String detail) implements DeliveryOutcome {
    }

    /**
     * The batch did not get through (refused connection, timeout, reset, garbage reply, 5xx) and should be
     * sent again after a backoff.
     *
     * @param retryAfter the destination's own hint (HTTP {@code Retry-After}); null when it gave none
     */
    record Retry(String detail, Duration retryAfter) implements DeliveryOutcome {
        public static Retry of(String detail) {
            return new Retry(detail, null);
        }
    }
}
