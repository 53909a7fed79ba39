package dev.likeness.embedding;

import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import dev.likeness.core.events.RequestAttributes;
import dev.likeness.core.kafka.ClientText;
import dev.likeness.core.kafka.EventParser;
import dev.likeness.core.kafka.RejectedInputException;
import dev.likeness.core.kafka.RequestIds;
import dev.likeness.core.kafka.TenantTopics;
import dev.likeness.events.v1.ImageSource;
import dev.likeness.events.v1.ImageSubmitted;
import dev.likeness.events.v1.Purpose;
import dev.likeness.face.Analysis;
import dev.likeness.face.FacePipeline;

/** Refuses, with a reason, every ImageSubmitted the pipeline cannot act on. */
@ApplicationScoped
public class ImageRequestValidator {

    private final EventParser<ImageSubmitted> parser = new EventParser<>(ImageSubmitted.getDefaultInstance());
    private final Set<Analysis> enabled;

    @Inject
    public ImageRequestValidator(FacePipeline pipeline) {
        this.enabled = pipeline.analyses();
    }

    public ImageRequest validate(ConsumerRecord<String, byte[]> record) {
        ImageSubmitted event = ofTopicsTenant(record, parser.parse(record));
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
        RequestAttributes.requireWithinLimit(event.getAttributesMap());
        return new ImageRequest(record, event, analyses(event.getOptions()));
    }

    /**
     * On a tenant's own topic the tenant is the topic's: only that tenant's principal may write there (ACLs), so a
     * record claiming another tenant is refused, and one claiming none is that tenant's. On the mesh's shared topic
     * the field is kept: only the mesh's own principals may write there (docs/matching.md, "Tenants").
     */
    private static ImageSubmitted ofTopicsTenant(ConsumerRecord<String, byte[]> record, ImageSubmitted event) {
        Optional<String> topicsTenant = TenantTopics.tenantOf(record.topic());
        if (topicsTenant.isEmpty()) {
            return event;
        }
        if (!event.getTenant().isEmpty() && !event.getTenant().equals(topicsTenant.get())) {
            throw new RejectedInputException(
                    "TENANT_MISMATCH",
                    "a record on tenant " + topicsTenant.get() + "'s topic claims tenant '"
                            + ClientText.excerpt(event.getTenant())
                            + "': a tenant's topic carries its own requests only");
        }
        return event.toBuilder().setTenant(topicsTenant.get()).build();
    }

    /** The analyses the options name; unknown names and analyses not enabled here are refused. */
    private Set<Analysis> analyses(ImageSubmitted.Options options) {
        Set<Analysis> analyses = EnumSet.noneOf(Analysis.class);
        for (String name : options.getAnalysesList()) {
            Analysis analysis;
            try {
                analysis = Analysis.named(name);
            } catch (IllegalArgumentException e) {
                throw new RejectedInputException("INVALID_FIELD", "options.analyses: " + e.getMessage());
            }
            if (!enabled.contains(analysis)) {
                throw new RejectedInputException(
                        "INVALID_FIELD",
                        "options.analyses: " + ClientText.excerpt(name)
                                + " is not enabled on this service (likeness.embedding.analyses);"
                                + " enabled: "
                                + String.join(
                                        ", ", enabled.stream().map(Analysis::id).toList()));
            }
            analyses.add(analysis);
        }
        return analyses;
    }

    private static void requireImage(ImageSource image, String field) {
        if (image.getLocationCase() == ImageSource.LocationCase.LOCATION_NOT_SET) {
            throw new RejectedInputException("MISSING_FIELD", field + " needs inline bytes or a uri");
        }
    }
}
