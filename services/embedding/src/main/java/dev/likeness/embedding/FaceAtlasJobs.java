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
 * ({@link Atlases}). Every network but ResNet-50 is this service's to answer, so an unknown one is dead-lettered
 * here, once. What can never be served throws {@link RejectedInputException} with the dead letter's reason code.
 */
@ApplicationScoped
public class FaceAtlasJobs {

    @Inject
    FacePipeline pipeline;

    @Inject
    EmbeddingConfig config;

    /** Whether an atlas request is this service's: any network but ResNet-50 (stylising's). */
    public static boolean serves(InsightRequested request) {
        return request.getJobCase() == InsightRequested.JobCase.ATLAS
                && !Atlases.network(request.getAtlas()).equals(Atlases.RESNET50);
    }

    public Atlases.Outcome atlas(InsightRequested request, Consumer<InsightProgress> progress) throws IOException {
        ResultFolders.name(request.getRequestId(), "request_id");
        return Atlases.run(
                request,
                config.insight(),
                Atlases.faces(Atlases.faceNetwork(request.getAtlas().getNetwork(), config.modelsDir()), pipeline),
                progress);
    }

    /**
     * Deletes the atlas a delete_atlas request names from this service's results folder (nothing there is fine).
     * The stylising service does the same in its own and alone sends the tombstone and the result: the request
     * names no network, and one answer per request is the rule. So a name that is not a folder name is its dead
     * letter, not this service's.
     */
    public void delete(InsightRequested request) {
        try {
            Atlases.delete(request, config.insight().resultsDir());
        } catch (RejectedInputException e) {
            // Stylising dead-letters it.
        }
    }
}
