package dev.likeness.matching;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Everything under {@code likeness.matching}; see docs/matching.md for what each setting does. */
@ConfigMapping(prefix = "likeness.matching")
public interface MatchingConfig {

    GalleryConfig gallery();

    SearchConfig search();

    /** Candidates per face when a request asks for 0. */
    @WithDefault("5")
    int defaultTopK();

    /** Most candidates per face a request may ask for. */
    @WithDefault("100")
    int maxTopK();

    /** Per embedding model id: threshold and probability calibration. */
    Map<String, ModelConfig> models();

    /** Where learned heads ({@code <model>.head.json}) are read from; none when unset or missing. */
    Optional<Path> headsDir();

    ApiConfig api();

    /** The liveness policy for enrolment and verification (docs/analysis.md#the-liveness-policy). */
    LivenessConfig liveness();

    interface LivenessConfig {
        /** Refuse, on enrol and verify, a face not judged live; off by default. */
        @WithDefault("false")
        boolean enabled();

        /** The analysis whose {@code liveness} judgement counts: {@code liveness} or {@code antispoof}. */
        @WithDefault("liveness")
        String analysis();

        /** A face is live when that analysis's probability of {@code live} is at least this. */
        @WithDefault("0.5")
        double threshold();
    }

    interface GalleryConfig {
        /** Reference embeddings an identity keeps per model; the oldest goes first. */
        @WithDefault("5")
        int maxEmbeddingsPerModel();

        /** How long a gallery write may take, from the send until this replica has applied it. */
        @WithDefault("30s")
        Duration writeTimeout();

        /** How long a request waits for the gallery to be materialised at startup. */
        @WithDefault("10m")
        Duration catchUpTimeout();

        SnapshotConfig snapshot();
    }

    /** Snapshots of the materialised gallery, so that a restarted replica need not read the whole topic again. */
    interface SnapshotConfig {
        /** Off: no snapshots; every start reads the whole gallery topic and builds the HNSW graphs. */
        @WithDefault("true")
        boolean enabled();

        /** Where snapshots are written (one file per gallery topic); on Kubernetes, a volume. */
        @WithDefault("var/matching/snapshots")
        Path directory();

        /** A snapshot is written once the gallery is materialised, then at most this often while records come. */
        @WithDefault("10m")
        Duration interval();

        /** An older snapshot is not restored; keep it below the gallery topic's delete.retention.ms (1 day by default). */
        @WithDefault("12h")
        Duration maxAge();
    }

    interface SearchConfig {
        /** Threads of one exact scan; default: every core. */
        OptionalInt threads();

        /** Below this many embeddings of a model, scan on the calling thread. */
        @WithDefault("32768")
        int parallelAboveRows();

        /** From this many embeddings of a model on, search an HNSW graph instead of scanning everything. */
        @WithDefault("200000")
        int approximateAboveRows();

        /** HNSW M. */
        @WithDefault("16")
        int hnswMaxConnections();

        /** HNSW efConstruction. */
        @WithDefault("100")
        int hnswBeamWidth();

        /** HNSW ef at search time. */
        @WithDefault("100")
        int hnswEfSearch();

        /** Rewrite a model's vectors once this fraction of them belongs to deleted or replaced embeddings. */
        @WithDefault("0.25")
        double compactRemovedFraction();
    }

    interface ModelConfig {
        /** Only this version of the model id; empty = every version. */
        Optional<String> version();

        /** tau: "same person" when ||f1 - f2||^2 <= tau. */
        float threshold();

        /** p = sigmoid(intercept + slope * d) until a learned head is fitted. */
        double probabilityIntercept();

        double probabilitySlope();
    }

    interface ApiConfig {
        /** How long an image request routed through the mesh waits for its MatchResult. */
        @WithDefault("60s")
        Duration replyTimeout();
    }
}
