package dev.likeness.matching.gallery;

import java.time.Instant;
import java.util.List;

import dev.likeness.core.calibration.ModelKey;

/** An identity as the gallery holds it, without the vectors. */
public record IdentityView(
        String identityId, String displayName, Instant createdAt, Instant updatedAt, List<EmbeddingInfo> embeddings) {

    /** One reference embedding. */
    public record EmbeddingInfo(ModelKey model, Instant addedAt, String sourceRequestId) {}
}
