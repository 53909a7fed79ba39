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
import dev.likeness.events.v1.ImageSource;
import dev.likeness.events.v1.InsightRequested;
import dev.likeness.events.v1.InsightResult;
import dev.likeness.face.EmbeddingSpec;
import dev.likeness.face.FaceNetworks;
import dev.likeness.face.FacePipeline;
import dev.likeness.insight.AlignedFaces;
import dev.likeness.insight.InsightImage;
import dev.likeness.insight.MatchSaliency;
import dev.likeness.insight.ResultFolders;

/**
 * The embedding service's share of insight requests (docs/insight.md, "The mesh"): why two faces match, the
 * saliency of their squared distance over the first face the pipeline finds in each photo. What can never be
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
        EmbeddingSpec.Network network = network(job.getEmbedding().isEmpty() ? FaceNetworks.DLIB : job.getEmbedding());
        InsightImage a = firstFace(job.getA(), "a", network), b = firstFace(job.getB(), "b", network);
        Path folder = config.insight()
                .resultsDir()
                .toAbsolutePath()
                .normalize()
                .resolve("explain")
                .resolve(id);
        Path work = Files.createTempDirectory("likeness-insight");
        try (MatchSaliency saliency = MatchSaliency.of(network, work)) {
            MatchSaliency.Explanation explanation = saliency.explain(a, b);
            Files.createDirectories(folder);
            MatchSaliency.write(explanation, a, b, folder.resolve(SALIENCY));
            return InsightResult.newBuilder()
                    .setRequestId(id)
                    .setProducedAt(Requests.timestamp(Instant.now()))
                    .setFolder(folder.toString())
                    .addFiles(SALIENCY)
                    .setDistance(explanation.distance())
                    .setEmbedding(network.model().id())
                    .putAllAttributes(request.getAttributesMap())
                    .build();
        } finally {
            ResultFolders.delete(work);
        }
    }

    private EmbeddingSpec.Network network(String id) {
        List<EmbeddingSpec.Network> networks;
        try {
            networks = FaceNetworks.embedding(id, config.modelsDir()).networks();
        } catch (IllegalArgumentException e) {
            throw new RejectedInputException("INVALID_FIELD", e.getMessage());
        }
        if (networks.size() != 1) {
            throw new RejectedInputException(
                    "INVALID_FIELD",
                    "explain takes one network: " + FaceNetworks.DLIB + " or " + FaceNetworks.FR_FEATURE + ", not "
                            + id);
        }
        return networks.get(0);
    }

    private InsightImage firstFace(ImageSource source, String name, EmbeddingSpec.Network network) {
        List<InsightImage> faces;
        try {
            faces = AlignedFaces.of(pipeline, reader().read(source), name, network);
        } catch (ImageRejectedException e) {
            throw RejectedInputException.of(e);
        }
        if (faces.isEmpty()) {
            throw new RejectedInputException("NO_FACE", "no face found in image " + name);
        }
        return faces.get(0);
    }
}
