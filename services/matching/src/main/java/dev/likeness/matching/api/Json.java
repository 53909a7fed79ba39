package dev.likeness.matching.api;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.likeness.core.calibration.ModelKey;
import dev.likeness.events.v1.BoundingBox;
import dev.likeness.events.v1.Candidate;
import dev.likeness.events.v1.Enrolment;
import dev.likeness.events.v1.RecognisedFace;
import dev.likeness.events.v1.Recognition;
import dev.likeness.events.v1.VerificationResult;
import dev.likeness.matching.gallery.IdentityView;

/** The API's JSON bodies, and their mapping from the events the mesh uses. */
public final class Json {

    private Json() {}

    /** An embedding model: only embeddings of the same id and version are ever compared. */
    public record Model(String id, String version) {
        public ModelKey key() {
            if (id == null || id.isBlank()) {
                throw new IllegalArgumentException("model.id is required");
            }
            return new ModelKey(id, version);
        }

        static Model of(ModelKey key) {
            return new Model(key.id(), key.version());
        }
    }

    /** Enrol a face by its embedding (computed elsewhere with {@code model}). */
    public record EmbeddingEnrolment(String displayName, Model model, float[] embedding) {}

    public record Rename(String displayName) {}

    /** 1:K: the {@code topK} gallery identities closest to one face's embedding (0 = default). */
    public record IdentifyEmbedding(Model model, float[] embedding, int topK) {}

    /** 1:1: one face's embedding against a claimed identity, or against another face's embedding. */
    public record VerifyEmbedding(Model model, float[] embedding, String claimedIdentityId, float[] otherEmbedding) {}

    public record Box(float x1, float y1, float x2, float y2) {
        static Box of(BoundingBox box) {
            return new Box(box.getX1(), box.getY1(), box.getX2(), box.getY2());
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record EnrolmentResult(
            String identityId, String displayName, boolean created, int embeddingCount, Box box, Integer faceIndex) {
        static EnrolmentResult of(Enrolment enrolment) {
            return new EnrolmentResult(
                    enrolment.getIdentityId(),
                    enrolment.getDisplayName(),
                    enrolment.getCreated(),
                    enrolment.getEmbeddingCount(),
                    enrolment.hasBox() ? Box.of(enrolment.getBox()) : null,
                    enrolment.hasBox() ? enrolment.getFaceIndex() : null);
        }
    }

    public record IdentityEmbedding(Model model, Instant addedAt, String sourceRequestId) {}

    public record IdentityResult(
            String identityId,
            String displayName,
            Instant createdAt,
            Instant updatedAt,
            List<IdentityEmbedding> embeddings) {
        static IdentityResult of(IdentityView view) {
            return new IdentityResult(
                    view.identityId(),
                    view.displayName(),
                    view.createdAt(),
                    view.updatedAt(),
                    view.embeddings().stream()
                            .map(e -> new IdentityEmbedding(Model.of(e.model()), e.addedAt(), e.sourceRequestId()))
                            .toList());
        }
    }

    public record IdentityPage(List<IdentityResult> items, int offset, int limit, int total) {}

    /** A tenant and how many identities its gallery holds. */
    public record TenantSummary(String tenant, int identities) {}

    /** A deleted tenant and how many identities it had. */
    public record TenantDeletion(String tenant, int identitiesDeleted) {}

    /** distance = ||f1 - f2||^2 of the normalised embeddings; probability = calibrated P(same person). */
    public record CandidateResult(String identityId, String displayName, float distance, float probability) {
        static CandidateResult of(Candidate candidate) {
            return new CandidateResult(
                    candidate.getIdentityId(),
                    candidate.getDisplayName(),
                    candidate.getDistance(),
                    candidate.getProbability());
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    /** subject: the image's subject, the face the photo is of. */
    public record FaceResult(
            int faceIndex, Box box, boolean subject, boolean unknown, List<CandidateResult> candidates) {
        static FaceResult of(RecognisedFace face) {
            return new FaceResult(
                    face.getFaceIndex(),
                    face.hasBox() ? Box.of(face.getBox()) : null,
                    face.getSubject(),
                    face.getUnknown(),
                    face.getCandidatesList().stream().map(CandidateResult::of).toList());
        }
    }

    /** threshold = tau: a face is unknown when its best candidate's distance is above it. */
    public record RecognitionResult(Model model, float threshold, List<FaceResult> faces) {
        static RecognitionResult of(ModelKey model, Recognition recognition) {
            return new RecognitionResult(
                    Model.of(model),
                    recognition.getThreshold(),
                    recognition.getFacesList().stream().map(FaceResult::of).toList());
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record VerificationOutcome(
            Model model, boolean same, float distance, float probability, float threshold, String claimedIdentityId) {
        static VerificationOutcome of(ModelKey model, VerificationResult result) {
            return new VerificationOutcome(
                    Model.of(model),
                    result.getSame(),
                    result.getDistance(),
                    result.getProbability(),
                    result.getThreshold(),
                    result.getClaimedIdentityId().isEmpty() ? null : result.getClaimedIdentityId());
        }
    }
}
