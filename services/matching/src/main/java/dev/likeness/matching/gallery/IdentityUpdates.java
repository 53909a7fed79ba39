package dev.likeness.matching.gallery;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import dev.likeness.core.calibration.ModelKey;
import dev.likeness.events.v1.Identity;
import dev.likeness.events.v1.StoredEmbedding;

/** The next full state of an identity after an enrolment or a rename (each gallery record replaces the last). */
public final class IdentityUpdates {

    private IdentityUpdates() {}

    /**
     * Adds a reference embedding, creating the identity if {@code current} is null. The identity keeps at
     * most {@code maxPerModel} embeddings of one model: the oldest goes first. Enrolling the same request
     * again changes nothing, so a redelivered request does not add a duplicate.
     *
     * @param displayName the new name, or empty to keep the current one
     */
    public static Identity enrol(
            Identity current,
            String identityId,
            String displayName,
            ModelKey model,
            float[] unitVector,
            String requestId,
            Instant now,
            int maxPerModel) {
        if (current != null && alreadyEnrolled(current, requestId)) {
            return current;
        }
        Identity.Builder next = current == null
                ? Identity.newBuilder().setIdentityId(identityId).setCreatedAt(Timestamps.of(now))
                : current.toBuilder();
        if (!displayName.isEmpty()) {
            next.setDisplayName(displayName);
        }
        StoredEmbedding.Builder added = StoredEmbedding.newBuilder()
                .setModel(model.toRef())
                .setAddedAt(Timestamps.of(now))
                .setSourceRequestId(requestId);
        for (float value : unitVector) {
            added.addVector(value);
        }
        List<StoredEmbedding> embeddings = new ArrayList<>(next.getEmbeddingsList());
        embeddings.add(added.build());
        long ofModel = embeddings.stream()
                .filter(e -> ModelKey.of(e.getModel()).equals(model))
                .count();
        for (int i = 0; i < embeddings.size() && ofModel > maxPerModel; ) {
            if (ModelKey.of(embeddings.get(i).getModel()).equals(model)) {
                embeddings.remove(i);
                ofModel--;
            } else {
                i++;
            }
        }
        return next.clearEmbeddings()
                .addAllEmbeddings(embeddings)
                .setUpdatedAt(Timestamps.of(now))
                .build();
    }

    public static Identity rename(Identity current, String displayName, Instant now) {
        return current.toBuilder()
                .setDisplayName(displayName)
                .setUpdatedAt(Timestamps.of(now))
                .build();
    }

    /** True when this request's embedding is already stored. */
    public static boolean alreadyEnrolled(Identity identity, String requestId) {
        return identity.getEmbeddingsList().stream()
                .anyMatch(e -> e.getSourceRequestId().equals(requestId));
    }

    /** True when the identity was created by this request (its creation time is that embedding's). */
    public static boolean createdBy(Identity identity, String requestId) {
        return identity.getEmbeddingsList().stream()
                .anyMatch(e -> e.getSourceRequestId().equals(requestId)
                        && e.getAddedAt().equals(identity.getCreatedAt()));
    }
}
