package dev.likeness.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.likeness.core.events.Tenants;
import dev.likeness.core.kafka.Topics;
import dev.likeness.events.v1.Identity;
import dev.likeness.follower.TopicFollower;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(
        name = "list",
        description = "Print a tenant's gallery (--tenant; default: the tenant default) as its compacted topic holds it"
                + " now, one identity a line by id: ID, display name, reference embeddings, updated (ISO-8601),"
                + " tab-separated.")
final class GalleryListCommand implements Callable<Integer> {

    private static final Duration POLL_INTERVAL = Duration.ofMillis(200);

    @Mixin
    KafkaOptions kafkaOptions;

    @Mixin
    TenantOption tenant;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Map<String, Identity> gallery = new TreeMap<>();
        try (KafkaSession kafka = new KafkaSession(kafkaOptions)) {
            kafka.requireTopics(List.of(Topics.GALLERY));
            try (TopicFollower reader = kafka.reader(List.of(Topics.GALLERY), true)) {
                // Read up to where the topic ends now: later records are not part of this listing.
                String listed = tenant.orDefault();
                if (!reader.readToEnd(KafkaSession.READ_TO_END, record -> {
                    if (record.key() != null
                            && Tenants.fromGalleryKey(record.key()).tenant().equals(listed)) {
                        apply(gallery, record);
                    }
                })) {
                    throw new CliException(ExitCodes.TIMED_OUT, "could not read " + Topics.GALLERY + " to its end");
                }
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        gallery.values()
                .forEach(identity -> out.printf(
                        "%s\t%s\t%d\t%s%n",
                        identity.getIdentityId(),
                        identity.getDisplayName(),
                        identity.getEmbeddingsCount(),
                        Instant.ofEpochSecond(
                                identity.getUpdatedAt().getSeconds(),
                                identity.getUpdatedAt().getNanos())));
        return ExitCodes.OK;
    }

    /** A record replaces the identity's state; a tombstone deletes it. */
    private static void apply(Map<String, Identity> gallery, ConsumerRecord<String, byte[]> record) {
        if (record.key() == null) {
            return;
        }
        if (record.value() == null) {
            gallery.remove(record.key());
            return;
        }
        try {
            gallery.put(record.key(), Identity.parseFrom(record.value()));
        } catch (InvalidProtocolBufferException e) {
            throw new CliException(
                    ExitCodes.UNEXPECTED,
                    "undecodable gallery record " + record.key() + " at " + record.topic() + "-" + record.partition()
                            + "@" + record.offset() + ": " + e.getMessage());
        }
    }
}
