package dev.likeness.core.image;

import java.util.Objects;

/**
 * An input image was refused; {@link #reason()} is stable for metrics and dead-letter headers, the
 * message names the limit and the actual value for people.
 */
public class ImageRejectedException extends Exception {

    public enum Reason {
        /** No bytes at all. */
        EMPTY,
        /** The encoded file is larger than {@link ImageLimits#maxBytes()}. */
        TOO_MANY_BYTES,
        /** Not JPEG, PNG or WebP; the message names what the magic bytes say it is. */
        UNSUPPORTED_FORMAT,
        /** The header declares more than {@link ImageLimits#maxPixels()} pixels. */
        TOO_MANY_PIXELS,
        /** The header declares a side longer than {@link ImageLimits#maxSide()}. */
        SIDE_TOO_LONG,
        /** Truncated or corrupt data, or a header that cannot be read. */
        UNDECODABLE
    }

    private final Reason reason;

    public ImageRejectedException(Reason reason, String message) {
        super(message);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public ImageRejectedException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public Reason reason() {
        return reason;
    }
}
