package dev.likeness.console.in;

import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import dev.likeness.console.TopicNames;
import dev.likeness.console.view.GalleryTenants;
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

/**
 * Turns each topic's records into what the page shows: of one tenant's, when the console works within one
 * ({@code likeness.console.tenant}).
 */
final class FeedRecords {

    private final LiveView view;
    private final GalleryTenants tenants;
    private final Insights insights;
    /** The tenant whose requests and results are shown; empty: every tenant's, and the rest too. */
    private final Optional<String> tenant;
    /** The tenant whose gallery is shown. */
    private final String galleryTenant;

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

    FeedRecords(TopicNames names, LiveView view, GalleryTenants tenants, Insights insights, Optional<String> tenant) {
        this.view = view;
        this.tenants = tenants;
        this.insights = insights;
        this.tenant = tenant.map(Tenants::requireValid);
        this.galleryTenant = tenant.orElse(Tenants.DEFAULT);
        this.byTopic = Map.of(
                names.images(),
                this::image,
                names.faces(),
                record -> {
                    FacesEmbedded event = faces.parse(record);
                    if (shown(event.getTenant())) {
                        view.event(ViewEvents.faces(event));
                    }
                },
                names.matches(),
                record -> {
                    MatchResult result = matches.parse(record);
                    if (shown(result.getTenant())) {
                        view.event(ViewEvents.match(result));
                    }
                },
                names.gallery(),
                this::identity,
                names.styleRequests(),
                tenantless(record -> view.event(ViewEvents.styleRequest(styleRequests.parse(record)))),
                names.styleProgress(),
                tenantless(record -> view.event(ViewEvents.styleProgress(styleProgress.parse(record)))),
                names.styleResults(),
                tenantless(this::styleResult),
                // Atlases are of the public corpus, and a result is fetched by its (unguessable) request id, so
                // every console, a tenant's too, keeps them.
                names.insightAtlases(),
                this::atlas,
                names.insightResults(),
                record -> insights.result(insightResults.parse(record)));
    }

    /** @throws dev.likeness.core.kafka.RejectedInputException when the record is not the topic's event */
    void handle(ConsumerRecord<String, byte[]> record) {
        byTopic.getOrDefault(record.topic(), tenantless(this::deadLetter)).accept(record);
    }

    private void atlas(ConsumerRecord<String, byte[]> record) {
        if (record.key() != null) {
            insights.atlas(record.key(), record.value() == null ? null : atlases.parse(record));
        }
    }

    private boolean shown(String eventsTenant) {
        return tenant.isEmpty() || tenant.get().equals(Tenants.of(eventsTenant));
    }

    /** Records of no tenant (style jobs; dead letters, of any tenant's records) reach the operator's console only. */
    private Consumer<ConsumerRecord<String, byte[]>> tenantless(Consumer<ConsumerRecord<String, byte[]>> handler) {
        return record -> {
            if (tenant.isEmpty()) {
                handler.accept(record);
            }
        };
    }

    void unreadable(ConsumerRecord<String, byte[]> record, String reason) {
        view.event(ViewEvents.unreadable(record.topic(), record.partition(), record.offset(), reason));
    }

    private void image(ConsumerRecord<String, byte[]> record) {
        ImageSubmitted request = images.parse(record);
        if (!shown(request.getTenant())) {
            return;
        }
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

    /**
     * The gallery of one tenant (the console's, else default): its identities are the ones the console can rename
     * and delete. Every tenant's gallery size is counted for the admin view.
     */
    private void identity(ConsumerRecord<String, byte[]> record) {
        if (record.key() == null) {
            return;
        }
        tenants.apply(record.key(), record.value() == null);
        Tenants.Scoped scoped = Tenants.fromGalleryKey(record.key());
        if (!galleryTenant.equals(scoped.tenant())) {
            return;
        }
        if (record.value() == null) {
            view.identityDeleted(scoped.identityId());
        } else {
            view.identity(scoped.identityId(), ViewEvents.identity(identities.parse(record)));
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

    private void deadLetter(ConsumerRecord<String, byte[]> record) {
        view.event(ViewEvents.deadLetter(record.topic(), record.offset(), deadLetters.parse(record)));
    }
}
