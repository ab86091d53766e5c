package dev.concierge.courier.core.spi;

/** A collect run produced nothing usable; the message says what was wrong and where. */
public class SourceException extends Exception {
    public SourceException(String message) {
        super(message);
    }

    public SourceException(String message, Throwable cause) {
        super(message, cause);
    }
}
