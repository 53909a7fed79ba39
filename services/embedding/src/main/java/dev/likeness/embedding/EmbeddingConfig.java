package dev.likeness.embedding;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import dev.likeness.servicekit.onnx.InferenceConfig;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The embedding service's configuration (`likeness.embedding.*`, env `LIKENESS_EMBEDDING_*`). */
@ConfigMapping(prefix = "likeness.embedding")
public interface EmbeddingConfig {

    /** Folder of the networks fetched by `make models`. */
    @WithDefault("models")
    Path modelsDir();

    Model detector();

    Model landmarker();

    Model embedder();

    /** Keep detections with at least this face score. */
    @WithDefault("0.65")
    float scoreThreshold();

    /** IoU above which the weaker of two overlapping detections is dropped. */
    @WithDefault("0.4")
    float nmsIou();

    @WithDefault("32")
    int maxFaces();

    @WithDefault("16")
    int minFacePx();

    /** Most images (detection) or faces (landmarks, embeddings) per ONNX Runtime call. */
    @WithDefault("8")
    int maxBatch();

    Limits limits();

    InferenceConfig inference();

    /** Attempts for an inference error before the request is dead-lettered. */
    @WithDefault("3")
    int maxAttempts();

    /** How long to wait for the broker to take a batch's results before the batch fails (and is redelivered). */
    @WithDefault("60s")
    Duration sendTimeout();

    /** Folders `file:` image URIs may point into; none = URIs refused. */
    Optional<List<Path>> allowedImageRoots();

    interface Model {
        /** Relative to models-dir, or absolute. */
        Path path();

        String id();

        /** Empty = the first 12 hex digits of the model file's SHA-256. */
        Optional<String> version();

        int inputWidth();

        int inputHeight();

        /** rgb, bgr or grey. */
        String channels();

        float mean();

        float std();

        /** Output names the pipeline reads (detector: scores, boxes). */
        List<String> outputs();
    }

    interface Limits {
        @WithDefault("16777216")
        long maxBytes();

        @WithDefault("40000000")
        long maxPixels();

        @WithDefault("16384")
        int maxSide();
    }
}
