package dev.likeness.core.onnx;

/**
 * The requested execution provider cannot run here and CPU fallback was not allowed. Failing is
 * deliberate: a service silently running on CPU when it was configured for a GPU is the surprise users
 * of ONNX-based face systems complain about most.
 */
public class ExecutionProviderUnavailableException extends ModelLoadException {

    public ExecutionProviderUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
