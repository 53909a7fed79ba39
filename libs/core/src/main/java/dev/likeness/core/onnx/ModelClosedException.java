package dev.likeness.core.onnx;

/**
 * A run asked of a model that has been closed because the process is stopping. The request is not at fault:
 * callers let it propagate, leave the record unacknowledged and another replica (or this one, restarted) takes
 * it again, instead of answering with an error or a dead letter.
 */
public final class ModelClosedException extends InferenceException {

    public ModelClosedException(String message) {
        super(message, null);
    }
}
