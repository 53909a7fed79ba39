package dev.likeness.embedding;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.likeness.insight.Atlases;
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

    /**
     * The model whose embeddings FacesEmbedded carries: the id of {@link #embedder()}, of one of {@link #networks()},
     * or {@link Fusion#id()} (docs/embedding.md).
     */
    String model();

    /** A recognition network, known by its {@code id}. */
    Model embedder();

    /** More recognition networks, by model id (the Model's own {@code id} is ignored for these). */
    Map<String, Model> networks();

    Fusion fusion();

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

    /**
     * The face analyses requests may ask for (docs/analysis.md), their networks loaded at startup from models-dir's
     * {@code human/}; {@code none} loads none.
     */
    @WithDefault("gear,age,gender,emotion,antispoof,liveness")
    List<String> analyses();

    /** Most images (detection) or faces (landmarks, embeddings) per ONNX Runtime call. */
    @WithDefault("8")
    int maxBatch();

    /**
     * How many batches of a poll's images run at once, each on its own thread; with {@code inference.intra-op-threads}
     * at 0, each batch's sessions get the service's processors divided among them. Default: the pipeline's, measured
     * in docs/benchmarks.md.
     */
    @WithDefault("2")
    int batchesInFlight();

    Limits limits();

    InferenceConfig inference();

    /** How long to wait for the broker to take a batch's results before the batch fails (and is redelivered). */
    @WithDefault("60s")
    Duration sendTimeout();

    /** Folders `file:` image URIs may point into; none = URIs refused. */
    Optional<List<Path>> allowedImageRoots();

    interface Model {
        /** Relative to models-dir, or absolute. */
        Path path();

        /** The model id written into events; required but for {@link #networks()} entries, whose key is their id. */
        Optional<String> id();

        /** Empty = the first 12 hex digits of the model file's SHA-256. */
        Optional<String> version();

        int inputWidth();

        int inputHeight();

        /** rgb, bgr or grey. */
        String channels();

        /** One value for every channel, or one per channel in the channel order. */
        List<Float> mean();

        /** One value for every channel, or one per channel in the channel order. */
        List<Float> std();

        /** Output names the pipeline reads (detector: scores, boxes). */
        List<String> outputs();

        /** Recognition networks: {@code arcface} (5 points onto the ArcFace template) or {@code dlib-chip}. */
        @WithDefault("arcface")
        String alignment();
    }

    /**
     * The fused embedding: each network's L2-normalised embedding scaled by sqrt(weight), concatenated; the
     * squared distance is the weighted sum of the networks' squared distances.
     */
    interface Fusion {
        @WithDefault("likeness-fusion-v1")
        String id();

        /** Empty = derived from the networks' versions and the weights. */
        Optional<String> version();

        /** Network id -> its share of the squared distance; normalised to sum 1. */
        Map<String, Double> weights();
    }

    /** Explaining matches and the face networks' atlases (docs/insight.md, "The mesh"). */
    Insight insight();

    /** The atlas job's corpus and limits ({@link Atlases.Limits}, as stylising's), with their defaults. */
    interface Insight extends Atlases.Limits {
        /** Where saliency maps (explain/REQUEST_ID/) and face networks' atlases (atlases/NAME/) are written. */
        @WithDefault("var/insight")
        Path resultsDir();

        /** Folder whose subfolders face-network atlas requests name as their corpus (photos with faces). */
        @WithDefault("corpus")
        Path corpusRoot();

        /** A corpus with more photos is refused (CORPUS_OVER_LIMIT). */
        @WithDefault("2000")
        int maxCorpusPhotos();

        /** A corpus whose photos hold more bytes in all is refused (CORPUS_OVER_LIMIT). */
        @WithDefault("1000000000")
        long maxCorpusBytes();

        /** An atlas job saves its heaps and sends a progress event every this many photos. */
        @WithDefault("" + Atlases.CHECKPOINT_EVERY)
        int checkpointEvery();
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
