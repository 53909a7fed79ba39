package dev.likeness.core.onnx;

/** Where ONNX Runtime executes a model's graph. */
public enum ExecutionProvider {
    CPU,
    /** NVIDIA GPU; needs the onnxruntime_gpu jar (Maven profile {@code -Pcuda}) and a CUDA driver. */
    CUDA
}
