package dev.likeness.embedding;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.likeness.core.events.Requests;
import dev.likeness.core.io.ImageSourceReader;
import dev.likeness.core.kafka.RejectedInputException;
import dev.likeness.events.v1.ExplainJob;
import dev.likeness.events.v1.InsightRequested;
import dev.likeness.events.v1.InsightResult;
import dev.likeness.face.EmbeddingSpec;
import dev.likeness.face.FaceNetworks;
import dev.likeness.face.FacePipeline;
import dev.likeness.insight.Explanations;
import dev.likeness.insight.ResultFolders;

/**
 * The embedding service's share of insight requests (docs/insight.md, "The mesh"): why two faces match, the
 * saliency of their squared distance over the first face the pipeline finds in each photo ({@link Explanations}, as
 * {@code likeness explain} runs it), for this service's own embedding (the fusion, by default) or one network alone.
 * What can never be served throws {@link RejectedInputException} with the reason code the dead letter carries.
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
            Explanations.Explained explained =
                    Explanations.explain(pipeline, embedding, a, b, work, folder.resolve(SALIENCY));
            return InsightResult.newBuilder()
                    .setRequestId(id)
                    .setProducedAt(Requests.timestamp(Instant.now()))
                    .setFolder(folder.toString())
                    .addFiles(SALIENCY)
                    .setDistance(explained.distance())
                    .setEmbedding(embedding.id())
                    .putAllAttributes(request.getAttributesMap())
                    .build();
        } catch (Explanations.UnusablePhotoException e) {
            throw e.rejection() != null
                    ? RejectedInputException.of(e.rejection())
                    : new RejectedInputException("NO_FACE", e.getMessage());
        } finally {
            ResultFolders.delete(work);
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
}
