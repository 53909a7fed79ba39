package dev.likeness.servicekit.onnx;

import dev.likeness.core.onnx.ExecutionProvider;
import dev.likeness.core.onnx.InferenceOptions;
import io.smallrye.config.WithDefault;

/**
 * How a service runs its networks, as a Quarkus config group (e.g. {@code likeness.embedding.inference.*}),
 * turned into the plain {@link InferenceOptions} the ONNX layer takes.
 */
public interface InferenceConfig {

    /** cpu or cuda (cuda needs the -Pcuda build). */
    @WithDefault("cpu")
    ExecutionProvider provider();

    @WithDefault("0")
    int cudaDevice();

    /** With provider=cuda: run on CPU (loud warning, health detail) when CUDA cannot be loaded. */
    @WithDefault("false")
    boolean allowCpuFallback();

    /**
     * 0 = one per processor available to the service (its container's CPU limit), shared among the batches the
     * embedding service runs at once; not ONNX Runtime's default.
     */
    @WithDefault("0")
    int intraOpThreads();

    @WithDefault("1")
    int interOpThreads();

    /** Inferences on zero inputs at startup, before the service reports ready. */
    @WithDefault("2")
    int warmUpRuns();

    default InferenceOptions.Builder toOptions() {
        return InferenceOptions.builder()
                .provider(provider())
                .cudaDeviceId(cudaDevice())
                .allowCpuFallback(allowCpuFallback())
                .intraOpThreads(intraOpThreads())
                .interOpThreads(interOpThreads())
                .warmUpRuns(warmUpRuns());
    }
}
