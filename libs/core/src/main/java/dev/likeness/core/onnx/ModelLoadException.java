package dev.likeness.core.onnx;

/** A model file is missing, unreadable or not a model ONNX Runtime can load. */
public class ModelLoadException extends RuntimeException {

    public ModelLoadException(String message) {
        super(message);
    }

    public ModelLoadException(String message, Throwable cause) {
        super(message, cause);
    }
}
