package dev.likeness.matching.in;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

import dev.likeness.core.kafka.EventParser;
import dev.likeness.core.kafka.RejectedInputException;
import dev.likeness.events.v1.MatchResult;

/**
 * The reply side of the REST API's request-reply through the mesh: reads the matches topic from its end
 * (every partition, since whichever replica handles a request publishes its result) and completes the
 * waiting request with the same request id.
 */
public final class MatchReplies extends TopicTail {

    private static final Logger LOG = Logger.getLogger(MatchReplies.class);

    private final EventParser<MatchResult> parser = new EventParser<>(MatchResult.getDefaultInstance());
    private final Map<String, CompletableFuture<MatchResult>> waiting = new ConcurrentHashMap<>();
    private final CountDownLatch positioned = new CountDownLatch(1);

    public MatchReplies(Map<String, Object> kafkaConfig, String topic) {
        super("match-replies", kafkaConfig, topic);
    }

    /**
     * Registers interest in a request's result; call it before publishing the request.
     *
     * @throws IllegalStateException when the reader is not reading yet after {@code timeout}
     */
    public CompletableFuture<MatchResult> expect(String requestId, Duration timeout) throws InterruptedException {
        if (!positioned.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("not reading " + topic() + " yet");
        }
        CompletableFuture<MatchResult> reply = new CompletableFuture<>();
        waiting.put(requestId, reply);
        // Whatever way the wait ends, it stops waiting.
        reply.whenComplete((result, error) -> waiting.remove(requestId, reply));
        return reply;
    }

    @Override
    void positionAtStart(KafkaConsumer<String, byte[]> consumer, List<TopicPartition> partitions) {
        consumer.seekToEnd(partitions);
        // Seeking is lazy: fix the positions now, so no result sent after expect() returns is missed.
        partitions.forEach(consumer::position);
        positioned.countDown();
    }

    @Override
    void handle(
            ConsumerRecords<String, byte[]> records,
            KafkaConsumer<String, byte[]> consumer,
            List<TopicPartition> partitions) {
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
}
