package dev.likeness.embedding;

import java.util.Set;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import dev.likeness.core.kafka.TenantTopics;
import dev.likeness.events.v1.ImageSubmitted;
import dev.likeness.face.Analysis;

/**
 * A parsed, validated request together with the record it came in (for dead letters).
 *
 * @param analyses the face analyses its options name, all enabled here
 */
public record ImageRequest(ConsumerRecord<String, byte[]> record, ImageSubmitted event, Set<Analysis> analyses) {

    public ImageRequest {
        analyses = Set.copyOf(analyses);
    }

    public String requestId() {
        return event.getRequestId();
    }

    /** Whether it came on its tenant's own topic, and is answered on that tenant's results topic. */
    public boolean onTenantTopic() {
        return TenantTopics.tenantOf(record.topic()).isPresent();
    }
}
