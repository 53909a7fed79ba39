package dev.likeness.core.kafka;

/** The rule every request id obeys: present, and short enough to be a record key and a header value. */
public final class RequestIds {

    public static final int MAX_LENGTH = 256;

    private RequestIds() {}

    /** @throws RejectedInputException MISSING_FIELD when blank, INVALID_FIELD when too long */
    public static String require(String requestId) {
        if (requestId.isBlank()) {
            throw new RejectedInputException("MISSING_FIELD", "request_id is required");
        }
        if (requestId.length() > MAX_LENGTH) {
            throw new RejectedInputException(
                    "INVALID_FIELD", "request_id is longer than " + MAX_LENGTH + " characters");
        }
        return requestId;
    }
}
