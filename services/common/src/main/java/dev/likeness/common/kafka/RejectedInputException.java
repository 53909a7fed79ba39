package dev.likeness.common.kafka;

/**
 * Input that can never be processed, however often it is retried: it goes to the dead-letter topic
 * with {@link #reasonCode()} and the message as reason.
 */
public class RejectedInputException extends RuntimeException {

    private final String reasonCode;

    public RejectedInputException(String reasonCode, String message) {
        super(message);
        this.reasonCode = reasonCode;
    }

    public RejectedInputException(String reasonCode, String message, Throwable cause) {
        super(message, cause);
        this.reasonCode = reasonCode;
    }

    /** Machine-readable reason in UPPER_SNAKE_CASE, e.g. {@code MALFORMED_EVENT}. */
    public String reasonCode() {
        return reasonCode;
    }
}
