package dev.likeness.embedding;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import dev.likeness.core.kafka.EventParser;
import dev.likeness.core.kafka.RejectedInputException;
import dev.likeness.core.kafka.RequestIds;
import dev.likeness.events.v1.ImageSource;
import dev.likeness.events.v1.ImageSubmitted;
import dev.likeness.events.v1.Purpose;

/** Refuses, with a reason, every ImageSubmitted the pipeline cannot act on. */
@ApplicationScoped
public class ImageRequestValidator {

    private final EventParser<ImageSubmitted> parser = new EventParser<>(ImageSubmitted.getDefaultInstance());

    public ImageRequest validate(ConsumerRecord<String, byte[]> record) {
        ImageSubmitted event = parser.parse(record);
        RequestIds.require(event.getRequestId());
        requireImage(event.getImage(), "image");
        Purpose purpose = event.getPurpose();
        switch (purpose.getKindCase()) {
            case IDENTIFY, DETECT_ONLY -> {}
            case ENROL -> {
                if (purpose.getEnrol().getIdentityId().isBlank()) {
                    throw new RejectedInputException("MISSING_FIELD", "purpose.enrol.identity_id is required");
                }
            }
            case VERIFY -> {
                Purpose.Verify verify = purpose.getVerify();
                switch (verify.getAgainstCase()) {
                    case CLAIMED_IDENTITY_ID -> {
                        if (verify.getClaimedIdentityId().isBlank()) {
                            throw new RejectedInputException(
                                    "MISSING_FIELD", "purpose.verify.claimed_identity_id is empty");
                        }
                    }
                    case SECOND_IMAGE -> requireImage(verify.getSecondImage(), "purpose.verify.second_image");
                    default ->
                        throw new RejectedInputException(
                                "MISSING_FIELD", "purpose.verify needs a claimed_identity_id or a second_image");
                }
            }
            default ->
                throw new RejectedInputException(
                        "UNKNOWN_PURPOSE",
                        "purpose is missing or of a kind this service does not know"
                                + " (expected identify, enrol, verify or detect_only)");
        }
        if (event.getOptions().getMaxFaces() < 0 || event.getOptions().getMinFacePx() < 0) {
            throw new RejectedInputException("INVALID_FIELD", "options.max_faces and options.min_face_px must be >= 0");
        }
        return new ImageRequest(record, event);
    }

    private static void requireImage(ImageSource image, String field) {
        if (image.getLocationCase() == ImageSource.LocationCase.LOCATION_NOT_SET) {
            throw new RejectedInputException("MISSING_FIELD", field + " needs inline bytes or a uri");
        }
    }
}
