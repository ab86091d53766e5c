package dev.concierge.courier.sources.fetch;

import java.io.IOException;

/**
 * A fetch was refused for a reason this package decided (size cap, HTTP status), as opposed to an I/O
 * failure. Its message is the part of the final error that follows the location.
 */
final class FetchRefusedException extends IOException {
    FetchRefusedException(String message) {
        super(message);
    }
}
