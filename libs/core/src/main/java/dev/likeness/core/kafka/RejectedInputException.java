package dev.likeness.core.kafka;

import dev.likeness.core.image.ImageRejectedException;

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

    /**
     * An image the decoder refused, with its reason as code: {@code IMAGE_EMPTY}, {@code IMAGE_TOO_MANY_BYTES},
     * {@code IMAGE_UNSUPPORTED_FORMAT}, {@code IMAGE_TOO_MANY_PIXELS}, {@code IMAGE_SIDE_TOO_LONG} or
     * {@code IMAGE_UNDECODABLE}: one rule for every service that reads images.
     */
    public static RejectedInputException of(ImageRejectedException image) {
        return new RejectedInputException("IMAGE_" + image.reason().name(), image.getMessage(), image);
    }

    /**
     * An unexpected failure checking or decoding one record ({@code PREPARATION_FAILED}): those steps depend on the
     * record alone, so it would fail again on every delivery and is dead-lettered instead of stopping its consumer.
     */
    public static RejectedInputException preparationFailed(RuntimeException failure) {
        return new RejectedInputException(
                "PREPARATION_FAILED", "checking or decoding the request failed: " + failure, failure);
    }

    /** Machine-readable reason in UPPER_SNAKE_CASE, e.g. {@code MALFORMED_EVENT}. */
    public String reasonCode() {
        return reasonCode;
    }
}
