package dev.likeness.core.events;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import dev.likeness.core.kafka.RejectedInputException;

/**
 * The cap on a request's attributes, for every service that takes requests: they are copied into every progress event
 * and result (FacesEmbedded, MatchResult, StyleProgress, ImageStylised, InsightProgress, InsightResult), so a request
 * near the topic's record limit made mostly of attributes would give a result too large to send, and its batch would
 * fail again on every delivery.
 */
public final class RequestAttributes {

    /** Keys and values together, in UTF-8 bytes. */
    public static final int MAX_BYTES = 64 * 1024;

    private RequestAttributes() {}

    /** Throws {@code INVALID_FIELD} when the attributes' keys and values add up to more than {@link #MAX_BYTES}. */
    public static void requireWithinLimit(Map<String, String> attributes) {
        long bytes = 0;
        for (Map.Entry<String, String> attribute : attributes.entrySet()) {
            bytes += utf8Length(attribute.getKey()) + utf8Length(attribute.getValue());
        }
        if (bytes > MAX_BYTES) {
            throw new RejectedInputException(
                    "INVALID_FIELD",
                    "the attributes are " + bytes + " bytes (keys and values, UTF-8), over the limit of " + MAX_BYTES);
        }
    }

    private static int utf8Length(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }
}
