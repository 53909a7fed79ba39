package dev.likeness.matching.out;

import java.net.URI;
import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.clients.producer.RecordMetadata;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;

import dev.likeness.core.events.Tenants;
import dev.likeness.events.v1.Identity;
import dev.likeness.servicekit.kafka.OutgoingEvents;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.OutgoingMessageMetadata;

/**
 * Writes gallery records (key = the tenant-scoped identity id, {@link Tenants#galleryKey}): an identity's full new state, or a tombstone. The write
 * returns where the record landed, so that the caller can wait for the follower to apply it.
 */
@ApplicationScoped
public class GalleryWriter {

    private static final URI SOURCE = URI.create("/likeness/matching");

    @Inject
    @Channel("gallery")
    MutinyEmitter<byte[]> gallery;

    public RecordMetadata write(String tenant, Identity identity, Duration timeout) {
        return send(
                OutgoingEvents.event(Tenants.galleryKey(tenant, identity.getIdentityId()), identity, SOURCE), timeout);
    }

    /** A tombstone: compaction keeps only it, then drops it too; every replica removes the identity. */
    public RecordMetadata delete(String tenant, String identityId, Duration timeout) {
        return send(OutgoingEvents.tombstone(Tenants.galleryKey(tenant, identityId)), timeout);
    }

    private RecordMetadata send(Message<byte[]> message, Duration timeout) {
        OutgoingMessageMetadata<RecordMetadata> landed = new OutgoingMessageMetadata<>();
        gallery.sendMessage(message.addMetadata(landed)).await().atMost(timeout);
        return landed.getResult();
    }
}
