package dev.likeness.embedding;

import java.io.IOException;
import java.util.function.Consumer;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.likeness.core.kafka.RejectedInputException;
import dev.likeness.events.v1.InsightProgress;
import dev.likeness.events.v1.InsightRequested;
import dev.likeness.face.FacePipeline;
import dev.likeness.insight.Atlases;
import dev.likeness.insight.ResultFolders;

/**
 * The embedding service's atlases (docs/insight.md, "The mesh"): unit atlases of the face recognition networks over
 * the faces the pipeline finds in a corpus folder's photos, the same job as the stylising service's ResNet-50 atlases
 * ({@link Atlases}), and deleting them. Every network but ResNet-50 is this service's to answer, so an unknown one is
 * dead-lettered here, once. What can never be served throws {@link RejectedInputException} with the dead letter's
 * reason code.
 */
@ApplicationScoped
public class FaceAtlasJobs {

    @Inject
    FacePipeline pipeline;

    @Inject
    EmbeddingConfig config;

    /**
     * Whether an atlas or delete_atlas request is this service's: any network but ResNet-50 (stylising's). The owner
     * alone deletes, so a delete taken in order after its atlas job finds the atlas finished.
     */
    public static boolean serves(InsightRequested request) {
        return switch (request.getJobCase()) {
            case ATLAS, DELETE_ATLAS -> !Atlases.network(request).equals(Atlases.RESNET50);
            default -> false;
        };
    }

    /** Runs an atlas or delete request; an atlas job reports its progress to {@code progress}. */
    public Atlases.Outcome run(InsightRequested request, Consumer<InsightProgress> progress) throws IOException {
        ResultFolders.name(request.getRequestId(), "request_id");
        if (request.getJobCase() == InsightRequested.JobCase.DELETE_ATLAS) {
            return Atlases.delete(request, config.insight().resultsDir());
        }
        return Atlases.run(
                request,
                config.insight(),
                Atlases.faces(Atlases.faceNetwork(request.getAtlas().getNetwork(), config.modelsDir()), pipeline),
                progress);
    }
}
