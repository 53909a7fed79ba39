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
    /** The liveness policy is on and the face was judged not live. */
    public static final String NOT_LIVE = "NOT_LIVE";
    /** The liveness policy is on and the face carries no judgement of the policy's analysis. */
    public static final String LIVENESS_UNCHECKED = "LIVENESS_UNCHECKED";

    private final String code;

    public RequestRefusedException(String code, String message) {
        super(message);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
