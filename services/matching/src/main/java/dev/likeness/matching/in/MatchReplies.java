package dev.likeness.matching.in;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.jboss.logging.Logger;

import dev.likeness.core.kafka.EventParser;
import dev.likeness.core.kafka.RejectedInputException;
import dev.likeness.events.v1.MatchResult;
import dev.likeness.follower.TopicFollower;
import dev.likeness.servicekit.kafka.FollowerMetrics;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The reply side of the REST API's request-reply through the mesh: reads the matches topic from its end
 * (every partition, since whichever replica handles a request publishes its result) and completes the
 * waiting request with the same request id.
 */
public final class MatchReplies implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(MatchReplies.class);

    private final EventParser<MatchResult> parser = new EventParser<>(MatchResult.getDefaultInstance());
    private final Map<String, CompletableFuture<MatchResult>> waiting = new ConcurrentHashMap<>();
    private final String topic;
    private final TopicFollower follower;

    /** Starts reading at once, on a thread of its own. */
    public MatchReplies(Map<String, Object> kafkaConfig, MeterRegistry registry, String topic) {
        this.topic = topic;
        this.follower = TopicFollower.builder(kafkaConfig)
                .topic(topic, TopicFollower.StartAt.END)
                .clientId("match-replies")
                .clientMetrics(FollowerMetrics.into(registry))
                .follow("match-replies", this::complete);
    }

    /**
     * Registers interest in a request's result; call it before publishing the request.
     *
     * @throws IllegalStateException when the reader is not reading yet after {@code timeout}
     */
    public CompletableFuture<MatchResult> expect(String requestId, Duration timeout) throws InterruptedException {
        // Reading from the end, it has caught up once positioned: no result sent after this returns is missed.
        if (!follower.awaitCaughtUp(timeout)) {
            throw new IllegalStateException("not reading " + topic + " yet");
        }
        CompletableFuture<MatchResult> reply = new CompletableFuture<>();
        waiting.put(requestId, reply);
        // Whatever way the wait ends, it stops waiting.
        reply.whenComplete((result, error) -> waiting.remove(requestId, reply));
        return reply;
    }

    private void complete(ConsumerRecords<String, byte[]> records) {
        for (ConsumerRecord<String, byte[]> record : records) {
            CompletableFuture<MatchResult> reply = record.key() == null ? null : waiting.get(record.key());
            if (reply == null) {
                continue;
            }
            try {
                reply.complete(parser.parse(record));
            } catch (RejectedInputException e) {
                LOG.warnf("Unreadable result for request %s: %s", record.key(), e.getMessage());
                reply.completeExceptionally(e);
            }
        }
    }

    @Override
    public void close() {
        follower.close();
    }
}
