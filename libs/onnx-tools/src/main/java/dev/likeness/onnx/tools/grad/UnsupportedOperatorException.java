package dev.likeness.onnx.tools.grad;

/** The gradient generator met an operator, or an operator setting, it cannot differentiate. */
public class UnsupportedOperatorException extends IllegalArgumentException {

    private final String opType;

    public UnsupportedOperatorException(String opType, String message) {
        super(message);
        this.opType = opType;
    }

    /** The ONNX op type that could not be differentiated, e.g. {@code LRN}. */
    public String opType() {
        return opType;
    }
}
