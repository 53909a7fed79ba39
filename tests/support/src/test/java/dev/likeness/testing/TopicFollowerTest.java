package dev.likeness.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.likeness.follower.TopicFollower;

/** The one topic follower, against the real broker: start positions, caught-up signal, its thread, close, metrics. */
@Tag("broker")
@ExtendWith(KafkaBrokerExtension.class)
class TopicFollowerTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Test
    void startsEachTopicWhereItsStartSaysAndCatchesUpToTheEndsAtStart(KafkaTestClient kafka) {
        kafka.createTopics(new NewTopic("follower.whole", 2, (short) 1), new NewTopic("follower.recent", 2, (short) 1));
        for (int i = 0; i < 5; i++) {
            for (int partition = 0; partition < 2; partition++) {
                kafka.send(record("follower.whole", partition, "whole-" + partition + "-" + i));
                kafka.send(record("follower.recent", partition, "recent-" + partition + "-" + i));
            }
        }

        try (TopicFollower follower = TopicFollower.builder(
                        Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))
                .topic("follower.whole", TopicFollower.StartAt.BEGINNING)
                .topic("follower.recent", TopicFollower.StartAt.lastRecords(2))
                .open()) {
            assertThat(follower.caughtUp()).isFalse();
            assertThat(follower.behind()).isEqualTo(10 + 4);

            List<String> keys = keys(follower.readToEnd(TIMEOUT));

            assertThat(keys)
                    .hasSize(14)
                    .contains("whole-0-0", "whole-1-4", "recent-0-3", "recent-0-4", "recent-1-3", "recent-1-4")
                    .doesNotContain("recent-0-2", "recent-1-2");
            assertThat(follower.caughtUp()).isTrue();
            assertThat(follower.behind()).isZero();

            kafka.send(record("follower.recent", 1, "later"));
            assertThat(keys(follower.read(1, TIMEOUT))).containsExactly("later");
        }
    }

    @Test
    void fromTheEndSeesOnlyWhatIsSentAfterItOpened(KafkaTestClient kafka) {
        kafka.createTopics("follower.end");
        kafka.send(record("follower.end", 0, "before"));

        try (TopicFollower follower = kafka.readFromEnd("follower.end")) {
            assertThat(follower.caughtUp()).isTrue();
            kafka.send(record("follower.end", 0, "after"));

            assertThat(keys(follower.read(2, Duration.ofSeconds(3)))).containsExactly("after");
        }
    }

    @Test
    void followsOnItsOwnThreadUntilClosed(KafkaTestClient kafka) throws Exception {
        String topic = "follower.thread";
        kafka.createTopics(topic);
        kafka.send(record(topic, 0, "existing-1"));
        kafka.send(record(topic, 0, "existing-2"));
        List<String> handled = new ArrayList<>();
        AtomicReference<TopicFollower> self = new AtomicReference<>();
        AtomicReference<Boolean> caughtUpSeenByHook = new AtomicReference<>();
        AtomicReference<Consumer<?, ?>> measured = new AtomicReference<>();
        AtomicBoolean metricsClosed = new AtomicBoolean();

        TopicFollower follower = TopicFollower.builder(
                        Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))
                .topic(topic, TopicFollower.StartAt.BEGINNING)
                .clientMetrics(consumer -> {
                    measured.set(consumer);
                    return () -> metricsClosed.set(true);
                })
                .onCaughtUp(() -> caughtUpSeenByHook.set(
                        self.get() == null ? null : self.get().caughtUp()))
                .follow("follower-test", records -> {
                    synchronized (handled) {
                        records.forEach(record -> handled.add(record.key()));
                    }
                });
        self.set(follower);
        try {
            assertThat(follower.awaitCaughtUp(TIMEOUT)).isTrue();
            synchronized (handled) {
                assertThat(handled).containsExactly("existing-1", "existing-2");
            }
            // The hook runs before the follower says it has caught up (readiness waits for what the hook does).
            assertThat(caughtUpSeenByHook.get()).isNotEqualTo(Boolean.TRUE);
            assertThat(measured.get()).isNotNull();
            assertThat(measured.get().metrics()).isNotEmpty();

            RecordMetadata sent = kafka.send(record(topic, 0, "live"));
            assertThat(follower.awaitPast(new TopicPartition(topic, 0), sent.offset(), TIMEOUT))
                    .isTrue();
            synchronized (handled) {
                assertThat(handled).containsExactly("existing-1", "existing-2", "live");
            }
        } finally {
            follower.close();
        }
        assertThat(metricsClosed).isTrue();
        assertThat(follower.failure()).isNull();
        kafka.send(record(topic, 0, "after-close"));
        Thread.sleep(500);
        synchronized (handled) {
            assertThat(handled).doesNotContain("after-close");
        }
    }

    @Test
    void onItsOwnThreadWaitsForATopicToExist(KafkaTestClient kafka) throws Exception {
        String topic = "follower.created-later";
        try (TopicFollower follower = TopicFollower.builder(
                        Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))
                .topic(topic, TopicFollower.StartAt.BEGINNING)
                .follow("follower-waiting", records -> {})) {
            assertThat(follower.awaitCaughtUp(Duration.ofSeconds(2))).isFalse();
            assertThat(follower.behind()).isEqualTo(-1);

            kafka.createTopics(topic);

            assertThat(follower.awaitCaughtUp(TIMEOUT)).isTrue();
            assertThat(follower.failure()).isNull();
        }
    }

    private static ProducerRecord<String, byte[]> record(String topic, int partition, String key) {
        return new ProducerRecord<>(topic, partition, key, key.getBytes(StandardCharsets.UTF_8));
    }

    private static List<String> keys(List<ConsumerRecord<String, byte[]>> records) {
        return records.stream().map(ConsumerRecord::key).toList();
    }
}
