package dev.likeness.core.onnx;

/** ONNX Runtime rejected a run, e.g. an input of the wrong shape. */
public class InferenceException extends RuntimeException {

    public InferenceException(String message, Throwable cause) {
        super(message, cause);
    }
}
