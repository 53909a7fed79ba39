package dev.likeness.matching.recognition;

/**
 * A well-formed request that cannot be served; it becomes a MatchResult with a RequestError (or an RFC
 * 7807 problem on the REST API), never a dead letter.
 */
public class RequestRefusedException extends RuntimeException {

    public static final String UNKNOWN_IDENTITY = "UNKNOWN_IDENTITY";
    public static final String MODEL_MISMATCH = "MODEL_MISMATCH";
    public static final String NO_FACE = "NO_FACE";
    public static final String NO_SUCH_FACE = "NO_SUCH_FACE";
    public static final String UNCALIBRATED_MODEL = "UNCALIBRATED_MODEL";
    public static final String INVALID_EMBEDDING = "INVALID_EMBEDDING";

    private final String code;

    public RequestRefusedException(String code, String message) {
        super(message);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
