package dev.likeness.matching.in;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import dev.likeness.core.events.Tenants;
import dev.likeness.core.kafka.EventParser;
import dev.likeness.core.kafka.RejectedInputException;
import dev.likeness.core.kafka.RequestIds;
import dev.likeness.events.v1.Face;
import dev.likeness.events.v1.FaceChoice;
import dev.likeness.events.v1.FacesEmbedded;
import dev.likeness.events.v1.Purpose;
import dev.likeness.matching.gallery.DisplayNames;
import dev.likeness.matching.gallery.Gallery;
import dev.likeness.matching.gallery.IdentityIds;

/**
 * Refuses, with a reason, every FacesEmbedded that no gallery state could make servable: those go to the
 * dead-letter topic. Requests that are well formed but unservable now (unknown identity...) pass.
 */
@ApplicationScoped
public class FacesRequestValidator {

    private final EventParser<FacesEmbedded> parser = new EventParser<>(FacesEmbedded.getDefaultInstance());

    public FacesRequest validate(ConsumerRecord<String, byte[]> record) {
        FacesEmbedded event = parser.parse(record);
        RequestIds.require(event.getRequestId());
        if (!event.getTenant().isEmpty() && !Tenants.valid(event.getTenant())) {
            throw new RejectedInputException(
                    "INVALID_TENANT",
                    "tenant '" + event.getTenant() + "' is not a tenant id: lowercase letters, digits and '-'");
        }
        Purpose purpose = event.getPurpose();
        switch (purpose.getKindCase()) {
            case DETECT_ONLY, IDENTIFY -> {}
            case ENROL -> {
                if (purpose.getEnrol().getIdentityId().isBlank()) {
                    throw new RejectedInputException("MISSING_FIELD", "purpose.enrol.identity_id is required");
                }
                try {
                    IdentityIds.requireValid(purpose.getEnrol().getIdentityId());
                    DisplayNames.requireValid(purpose.getEnrol().getDisplayName());
                } catch (IllegalArgumentException e) {
                    throw new RejectedInputException("INVALID_FIELD", "purpose.enrol: " + e.getMessage());
                }
                requireWellFormed(purpose.getEnrol().getFace(), "purpose.enrol.face");
            }
            case VERIFY -> {
                Purpose.Verify verify = purpose.getVerify();
                if (verify.getAgainstCase() == Purpose.Verify.AgainstCase.AGAINST_NOT_SET
                        || verify.getAgainstCase() == Purpose.Verify.AgainstCase.CLAIMED_IDENTITY_ID
                                && verify.getClaimedIdentityId().isBlank()) {
                    throw new RejectedInputException(
                            "MISSING_FIELD", "purpose.verify needs a claimed_identity_id or a second_image");
                }
                requireWellFormed(verify.getFace(), "purpose.verify.face");
                requireWellFormed(verify.getSecondImageFace(), "purpose.verify.second_image_face");
            }
            default ->
                throw new RejectedInputException(
                        "UNKNOWN_PURPOSE",
                        "purpose is missing or of a kind this service does not know"
                                + " (expected identify, enrol, verify or detect_only)");
        }
        if (purpose.getKindCase() != Purpose.KindCase.DETECT_ONLY) {
            if (event.getEmbeddingModel().getId().isBlank()) {
                throw new RejectedInputException(
                        "MISSING_FIELD",
                        "embedding_model.id is required: embeddings are only compared within one model");
            }
            requireEmbeddings(event.getFacesList(), "faces");
            requireEmbeddings(event.getSecondImageFacesList(), "second_image_faces");
            requireSubject(event.getSubjectFace(), event.getFacesCount(), "subject_face");
            requireSubject(
                    event.getSecondImageSubjectFace(), event.getSecondImageFacesCount(), "second_image_subject_face");
        }
        return new FacesRequest(record, event);
    }

    /**
     * A named face is an index of 0 or more, or a finite point (a face that is simply not there is a RequestError,
     * NO_SUCH_FACE: that depends on the image, not on the request's form). An unset choice means the subject.
     */
    private static void requireWellFormed(FaceChoice choice, String field) {
        boolean malformed =
                switch (choice.getByCase()) {
                    case INDEX -> choice.getIndex() < 0;
                    case POINT ->
                        !Float.isFinite(choice.getPoint().getX())
                                || !Float.isFinite(choice.getPoint().getY());
                    case BY_NOT_SET -> false;
                };
        if (malformed) {
            throw new RejectedInputException(
                    "INVALID_FIELD", field + " must be an index of 0 or more or a finite point");
        }
    }

    /** The subject is one of the faces (0 when there are none). */
    private static void requireSubject(int subject, int faces, String field) {
        if (subject < 0 || subject >= Math.max(1, faces)) {
            throw new RejectedInputException(
                    "INVALID_FIELD", field + " is " + subject + " but there are " + faces + " face(s)");
        }
    }

    /** Every face carries a finite, non-zero embedding of at most the gallery's maximum length, all of one length. */
    private static void requireEmbeddings(List<Face> faces, String field) {
        int dimension = -1;
        for (int i = 0; i < faces.size(); i++) {
            Face face = faces.get(i);
            if (face.getEmbeddingCount() == 0) {
                throw new RejectedInputException("INVALID_FIELD", field + "[" + i + "] has no embedding");
            }
            if (face.getEmbeddingCount() > Gallery.MAX_EMBEDDING_DIMENSION) {
                throw new RejectedInputException(
                        "INVALID_FIELD",
                        field + "[" + i + "] has " + face.getEmbeddingCount() + " values, more than the maximum of "
                                + Gallery.MAX_EMBEDDING_DIMENSION);
            }
            if (dimension >= 0 && face.getEmbeddingCount() != dimension) {
                throw new RejectedInputException(
                        "INVALID_FIELD",
                        field + " hold embeddings of different lengths (" + dimension + " and "
                                + face.getEmbeddingCount() + ")");
            }
            dimension = face.getEmbeddingCount();
            boolean zero = true;
            for (float value : face.getEmbeddingList()) {
                if (!Float.isFinite(value)) {
                    throw new RejectedInputException("INVALID_FIELD", field + "[" + i + "] has a non-finite value");
                }
                zero &= value == 0;
            }
            if (zero) {
                throw new RejectedInputException("INVALID_FIELD", field + "[" + i + "] has an all-zero embedding");
            }
        }
    }
}
