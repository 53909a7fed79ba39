package dev.likeness.console.in;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.jboss.logging.Logger;

import dev.likeness.console.ConsoleConfig;
import dev.likeness.console.TopicNames;
import dev.likeness.console.view.GalleryTenants;
import dev.likeness.console.view.Insights;
import dev.likeness.console.view.LiveView;
import dev.likeness.core.kafka.RejectedInputException;
import dev.likeness.follower.TopicFollower;
import dev.likeness.servicekit.kafka.FollowerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;

/**
 * Reads the mesh's topics for the page, with one follower outside any consumer group (every console sees
 * everything; nothing is committed): the gallery and the atlas index from their beginning, the other topics from a few records before
 * their end, then everything live.
 */
@ApplicationScoped
public class TopicFeed {

    private static final Logger LOG = Logger.getLogger(TopicFeed.class);
    /** Inline images of up to 16 MiB, with the rest of their event. */
    private static final int MAX_RECORD_BYTES = 17825792;

    private final TopicFollower.Builder builder;
    private final FeedRecords records;
    private final List<String> topics;
    private volatile TopicFollower follower;

    @Inject
    public TopicFeed(
            TopicNames names,
            ConsoleConfig config,
            LiveView view,
            GalleryTenants tenants,
            Insights insights,
            MeterRegistry registry,
            @Identifier("default-kafka-broker") Map<String, Object> kafkaConfig) {
        this.records = new FeedRecords(names, view, tenants, insights, config.tenant());
        List<String> history = new ArrayList<>(List.of(
                names.images(),
                names.faces(),
                names.matches(),
                names.styleRequests(),
                names.styleProgress(),
                names.styleResults(),
                names.insightResults()));
        history.addAll(config.deadLetterTopics());
        this.builder = TopicFollower.builder(kafkaConfig)
                .topics(List.of(names.gallery(), names.insightAtlases()), TopicFollower.StartAt.BEGINNING)
                .topics(history, TopicFollower.StartAt.lastRecords(config.historyPerPartition()))
                .maxRecordBytes(MAX_RECORD_BYTES)
                .clientId("console-feed")
                .clientMetrics(FollowerMetrics.into(registry));
        this.topics = new ArrayList<>(List.of(names.gallery(), names.insightAtlases()));
        this.topics.addAll(history);
    }

    void start(@Observes StartupEvent event) {
        follower = builder.follow("console-feed", this::handle);
    }

    /** True once the gallery, and the recent records of the other topics, have been read as they stood at startup. */
    public boolean caughtUp() {
        TopicFollower reading = follower;
        return reading != null && reading.caughtUp();
    }

    public List<String> topics() {
        return topics;
    }

    public Throwable failure() {
        TopicFollower reading = follower;
        return reading == null ? null : reading.failure();
    }

    private void handle(ConsumerRecords<String, byte[]> polled) {
        for (ConsumerRecord<String, byte[]> record : polled) {
            try {
                records.handle(record);
            } catch (RejectedInputException e) {
                LOG.warnf(
                        "Unreadable record %s-%d@%d: %s",
                        record.topic(), record.partition(), record.offset(), e.getMessage());
                records.unreadable(record, e.getMessage());
            } catch (RuntimeException e) {
                // A record the console fails on in a way nobody foresaw is shown like an unreadable one: thrown on,
                // it would stop the follower, and with it every topic's feed, at the same record after each restart.
                LOG.errorf(e, "Failed on record %s-%d@%d", record.topic(), record.partition(), record.offset());
                records.unreadable(record, "the console failed on it: " + e);
            }
        }
    }

    @PreDestroy
    void stop() {
        TopicFollower reading = follower;
        if (reading != null) {
            reading.close();
        }
    }
}
