package dev.likeness.embedding;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.likeness.core.events.Requests;
import dev.likeness.core.image.ImageRejectedException;
import dev.likeness.core.io.ImageSourceReader;
import dev.likeness.core.kafka.RejectedInputException;
import dev.likeness.events.v1.ExplainJob;
import dev.likeness.events.v1.InsightRequested;
import dev.likeness.events.v1.InsightResult;
import dev.likeness.face.EmbeddingSpec;
import dev.likeness.face.FaceNetworks;
import dev.likeness.face.FacePipeline;
import dev.likeness.insight.AlignedFaces;
import dev.likeness.insight.FusionSaliency;
import dev.likeness.insight.InsightImage;
import dev.likeness.insight.MatchSaliency;
import dev.likeness.insight.ResultFolders;

/**
 * The embedding service's share of insight requests (docs/insight.md, "The mesh"): why two faces match, the
 * saliency of their squared distance over the first face the pipeline finds in each photo, for this service's own
 * embedding (the fusion, by default) or one network alone. What can never be
 * served throws {@link RejectedInputException} with the reason code the dead letter carries.
 */
@ApplicationScoped
public class ExplainJobs {

    static final String SALIENCY = "saliency.png";

    @Inject
    FacePipeline pipeline;

    @Inject
    EmbeddingConfig config;

    private ImageSourceReader reader;

    private synchronized ImageSourceReader reader() {
        if (reader == null) {
            reader = new ImageSourceReader(
                    config.allowedImageRoots().orElse(List.of()),
                    config.limits().maxBytes());
        }
        return reader;
    }

    public InsightResult explain(InsightRequested request) throws IOException {
        String id = ResultFolders.name(request.getRequestId(), "request_id");
        ExplainJob job = request.getExplain();
        EmbeddingSpec embedding = embedding(job.getEmbedding());
        byte[] a = reader().read(job.getA()), b = reader().read(job.getB());
        Path folder = config.insight()
                .resultsDir()
                .toAbsolutePath()
                .normalize()
                .resolve("explain")
                .resolve(id);
        Path work = Files.createTempDirectory("likeness-insight");
        try {
            float distance = embedding.fused()
                    ? explainFusion(embedding, a, b, work, folder.resolve(SALIENCY))
                    : explainNetwork(embedding.networks().get(0), a, b, work, folder.resolve(SALIENCY));
            return InsightResult.newBuilder()
                    .setRequestId(id)
                    .setProducedAt(Requests.timestamp(Instant.now()))
                    .setFolder(folder.toString())
                    .addFiles(SALIENCY)
                    .setDistance(distance)
                    .setEmbedding(embedding.id())
                    .putAllAttributes(request.getAttributesMap())
                    .build();
        } finally {
            ResultFolders.delete(work);
        }
    }

    /** One network: the saliency over each aligned face. */
    private float explainNetwork(EmbeddingSpec.Network network, byte[] bytesA, byte[] bytesB, Path work, Path file)
            throws IOException {
        InsightImage a = first(() -> AlignedFaces.of(pipeline, bytesA, "a", network), "a");
        InsightImage b = first(() -> AlignedFaces.of(pipeline, bytesB, "b", network), "b");
        try (MatchSaliency saliency = MatchSaliency.of(network, work)) {
            MatchSaliency.Explanation explanation = saliency.explain(a, b);
            MatchSaliency.write(explanation, a, b, file);
            return explanation.distance();
        }
    }

    /** The fusion: the saliency over each photo's face region (d is the d of the embeddings this service emits). */
    private float explainFusion(EmbeddingSpec fusion, byte[] bytesA, byte[] bytesB, Path work, Path file)
            throws IOException {
        FusionSaliency.Face a = first(() -> FusionSaliency.faces(pipeline, fusion, bytesA, "a"), "a");
        FusionSaliency.Face b = first(() -> FusionSaliency.faces(pipeline, fusion, bytesB, "b"), "b");
        try (FusionSaliency saliency = FusionSaliency.of(fusion, work)) {
            FusionSaliency.Explanation explanation = saliency.explain(a, b);
            FusionSaliency.write(explanation, a, b, file);
            return explanation.distance();
        }
    }

    /**
     * The embedding a request names; none, or the id of this service's own model, is that model as configured (the
     * fusion by default), so that d is the d of its verifications.
     */
    private EmbeddingSpec embedding(String id) {
        if (id.isEmpty() || id.equals(pipeline.embedding().id())) {
            return pipeline.embedding();
        }
        try {
            return FaceNetworks.embedding(id, config.modelsDir());
        } catch (IllegalArgumentException e) {
            throw new RejectedInputException("INVALID_FIELD", e.getMessage());
        }
    }

    /** Finds a photo's faces; the decoder may refuse the photo. */
    private interface Faces<T> {
        List<T> find() throws ImageRejectedException;
    }

    /** The first face found, else NO_FACE; a photo the decoder refuses gets the decoder's reason. */
    private static <T> T first(Faces<T> source, String name) {
        List<T> faces;
        try {
            faces = source.find();
        } catch (ImageRejectedException e) {
            throw RejectedInputException.of(e);
        }
        if (faces.isEmpty()) {
            throw new RejectedInputException("NO_FACE", "no face found in image " + name);
        }
        return faces.get(0);
    }
}
