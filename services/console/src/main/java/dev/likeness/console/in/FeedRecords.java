package dev.likeness.console.in;

import java.util.Map;
import java.util.function.Consumer;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import dev.likeness.console.TopicNames;
import dev.likeness.console.view.Insights;
import dev.likeness.console.view.LiveView;
import dev.likeness.console.view.ViewEvents;
import dev.likeness.core.events.Tenants;
import dev.likeness.core.kafka.EventParser;
import dev.likeness.events.v1.AtlasIndexed;
import dev.likeness.events.v1.DeadLetter;
import dev.likeness.events.v1.FacesEmbedded;
import dev.likeness.events.v1.Identity;
import dev.likeness.events.v1.ImageStylised;
import dev.likeness.events.v1.ImageSubmitted;
import dev.likeness.events.v1.InsightResult;
import dev.likeness.events.v1.MatchResult;
import dev.likeness.events.v1.Purpose;
import dev.likeness.events.v1.StyleProgress;
import dev.likeness.events.v1.StyleRequested;

/** Turns each topic's records into what the page shows. */
final class FeedRecords {

    private final LiveView view;
    private final Insights insights;
    private final Map<String, Consumer<ConsumerRecord<String, byte[]>>> byTopic;

    private final EventParser<ImageSubmitted> images = new EventParser<>(ImageSubmitted.getDefaultInstance());
    private final EventParser<FacesEmbedded> faces = new EventParser<>(FacesEmbedded.getDefaultInstance());
    private final EventParser<MatchResult> matches = new EventParser<>(MatchResult.getDefaultInstance());
    private final EventParser<Identity> identities = new EventParser<>(Identity.getDefaultInstance());
    private final EventParser<StyleRequested> styleRequests = new EventParser<>(StyleRequested.getDefaultInstance());
    private final EventParser<StyleProgress> styleProgress = new EventParser<>(StyleProgress.getDefaultInstance());
    private final EventParser<ImageStylised> styleResults = new EventParser<>(ImageStylised.getDefaultInstance());
    private final EventParser<DeadLetter> deadLetters = new EventParser<>(DeadLetter.getDefaultInstance());
    private final EventParser<AtlasIndexed> atlases = new EventParser<>(AtlasIndexed.getDefaultInstance());
    private final EventParser<InsightResult> insightResults = new EventParser<>(InsightResult.getDefaultInstance());

    FeedRecords(TopicNames names, LiveView view, Insights insights) {
        this.view = view;
        this.insights = insights;
        this.byTopic = Map.of(
                names.images(), this::image,
                names.faces(), record -> view.event(ViewEvents.faces(faces.parse(record))),
                names.matches(), record -> view.event(ViewEvents.match(matches.parse(record))),
                names.gallery(), this::identity,
                names.styleRequests(), record -> view.event(ViewEvents.styleRequest(styleRequests.parse(record))),
                names.styleProgress(), record -> view.event(ViewEvents.styleProgress(styleProgress.parse(record))),
                names.styleResults(), this::styleResult,
                names.insightAtlases(), this::atlas,
                names.insightResults(), record -> insights.result(insightResults.parse(record)));
    }

    /** @throws dev.likeness.core.kafka.RejectedInputException when the record is not the topic's event */
    void handle(ConsumerRecord<String, byte[]> record) {
        byTopic.getOrDefault(record.topic(), this::deadLetter).accept(record);
    }

    void unreadable(ConsumerRecord<String, byte[]> record, String reason) {
        view.event(ViewEvents.unreadable(record.topic(), record.partition(), record.offset(), reason));
    }

    private void image(ConsumerRecord<String, byte[]> record) {
        ImageSubmitted request = images.parse(record);
        if (request.getImage().hasInline()) {
            view.pictures()
                    .put(
                            ViewEvents.pictureKey(request.getRequestId(), ViewEvents.IMAGE),
                            request.getImage().getInline().toByteArray(),
                            request.getImage().getContentType());
        }
        Purpose.Verify verify = request.getPurpose().getVerify();
        if (verify.hasSecondImage() && verify.getSecondImage().hasInline()) {
            view.pictures()
                    .put(
                            ViewEvents.pictureKey(request.getRequestId(), ViewEvents.SECOND_IMAGE),
                            verify.getSecondImage().getInline().toByteArray(),
                            verify.getSecondImage().getContentType());
        }
        view.event(ViewEvents.image(request));
    }

    /** The gallery of the tenant default only: its identities are the ones the console can rename and delete. */
    private void identity(ConsumerRecord<String, byte[]> record) {
        if (record.key() == null
                || !Tenants.DEFAULT.equals(Tenants.fromGalleryKey(record.key()).tenant())) {
            return;
        }
        if (record.value() == null) {
            view.identityDeleted(record.key());
        } else {
            view.identity(record.key(), ViewEvents.identity(identities.parse(record)));
        }
    }

    private void styleResult(ConsumerRecord<String, byte[]> record) {
        ImageStylised result = styleResults.parse(record);
        if (result.hasImage() && result.getImage().hasInline()) {
            view.pictures()
                    .put(
                            ViewEvents.pictureKey(result.getRequestId(), ViewEvents.RESULT),
                            result.getImage().getInline().toByteArray(),
                            result.getImage().getContentType());
        }
        view.event(ViewEvents.styleResult(result));
    }

    private void atlas(ConsumerRecord<String, byte[]> record) {
        if (record.key() != null) {
            insights.atlas(record.key(), record.value() == null ? null : atlases.parse(record));
        }
    }

    private void deadLetter(ConsumerRecord<String, byte[]> record) {
        view.event(ViewEvents.deadLetter(record.topic(), record.offset(), deadLetters.parse(record)));
    }
}
