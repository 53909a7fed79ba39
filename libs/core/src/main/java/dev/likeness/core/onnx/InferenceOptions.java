package dev.likeness.core.onnx;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How a model is run: plain values that services fill from their own configuration.
 *
 * @param provider         execution provider to use
 * @param cudaDeviceId     GPU ordinal when {@code provider} is CUDA
 * @param allowCpuFallback when CUDA cannot be loaded, run on CPU (with a loud warning) instead of failing
 * @param intraOpThreads   threads inside one operator; 0 = one per processor available to the JVM (see
 *                         {@link #effectiveIntraOpThreads})
 * @param interOpThreads   threads across independent operators; 0 lets ONNX Runtime choose
 * @param warmUpRuns       inferences on zero inputs at open, so the first real request is not the slow one
 * @param warmUpShapes     input shapes for warm-up by input name; inputs not listed use their declared
 *                         shape with symbolic dimensions set to 1
 */
public record InferenceOptions(
        ExecutionProvider provider,
        int cudaDeviceId,
        boolean allowCpuFallback,
        int intraOpThreads,
        int interOpThreads,
        int warmUpRuns,
        Map<String, long[]> warmUpShapes) {

    public InferenceOptions {
        Objects.requireNonNull(provider, "provider");
        requireNonNegative(cudaDeviceId, "cudaDeviceId");
        requireNonNegative(intraOpThreads, "intraOpThreads");
        requireNonNegative(interOpThreads, "interOpThreads");
        requireNonNegative(warmUpRuns, "warmUpRuns");
        warmUpShapes = Map.copyOf(warmUpShapes);
    }

    /**
     * The intra-op threads sessions get: the configured count, or for 0 one per processor available to the JVM, which
     * follows a container's CPU limit. Not ONNX Runtime's own default, which counts the machine's physical cores
     * whatever the limit: on this project's 2-core machine (2026-12-07) the raw networks ran 1.6x slower with it than
     * with 2 threads, and the whole pipeline slower than with 1 thread.
     */
    public int effectiveIntraOpThreads() {
        return intraOpThreads > 0 ? intraOpThreads : Runtime.getRuntime().availableProcessors();
    }

    /** CPU, one intra-op thread per available processor, one warm-up run. */
    public static InferenceOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder builder = new Builder()
                .provider(provider)
                .cudaDeviceId(cudaDeviceId)
                .allowCpuFallback(allowCpuFallback)
                .intraOpThreads(intraOpThreads)
                .interOpThreads(interOpThreads)
                .warmUpRuns(warmUpRuns);
        warmUpShapes.forEach(builder::warmUpShape);
        return builder;
    }

    private static void requireNonNegative(int value, String name) {
        if (value < 0) {
            throw new IllegalArgumentException(name + " must be >= 0, was " + value);
        }
    }

    public static final class Builder {
        private ExecutionProvider provider = ExecutionProvider.CPU;
        private int cudaDeviceId;
        private boolean allowCpuFallback;
        private int intraOpThreads;
        private int interOpThreads;
        private int warmUpRuns = 1;
        private final Map<String, long[]> warmUpShapes = new LinkedHashMap<>();

        private Builder() {}

        public Builder provider(ExecutionProvider provider) {
            this.provider = provider;
            return this;
        }

        public Builder cudaDeviceId(int cudaDeviceId) {
            this.cudaDeviceId = cudaDeviceId;
            return this;
        }

        public Builder allowCpuFallback(boolean allowCpuFallback) {
            this.allowCpuFallback = allowCpuFallback;
            return this;
        }

        public Builder intraOpThreads(int intraOpThreads) {
            this.intraOpThreads = intraOpThreads;
            return this;
        }

        public Builder interOpThreads(int interOpThreads) {
            this.interOpThreads = interOpThreads;
            return this;
        }

        public Builder warmUpRuns(int warmUpRuns) {
            this.warmUpRuns = warmUpRuns;
            return this;
        }

        /** Warm-up shape for one input, e.g. for image-to-image networks whose H and W are symbolic. */
        public Builder warmUpShape(String inputName, long... shape) {
            warmUpShapes.put(inputName, shape.clone());
            return this;
        }

        public InferenceOptions build() {
            return new InferenceOptions(
                    provider, cudaDeviceId, allowCpuFallback, intraOpThreads, interOpThreads, warmUpRuns, warmUpShapes);
        }
    }
}
