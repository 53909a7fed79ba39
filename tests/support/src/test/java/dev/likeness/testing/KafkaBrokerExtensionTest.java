package dev.likeness.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.likeness.follower.TopicFollower;
import dev.likeness.local.kafka.LocalKafkaBroker;

@Tag("broker")
@ExtendWith(KafkaBrokerExtension.class)
class KafkaBrokerExtensionTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Test
    void producesAndConsumesARecordWithHeaders(KafkaTestClient kafka) {
        kafka.createTopics("test-support.greetings");
        try (TopicFollower reader = kafka.readFromEnd("test-support.greetings")) {
            RecordHeaders headers = new RecordHeaders();
            headers.add("correlation-id", "c-1".getBytes(StandardCharsets.UTF_8));
            kafka.send(new ProducerRecord<>(
                    "test-support.greetings", null, "k-1", "hello".getBytes(StandardCharsets.UTF_8), headers));

            List<ConsumerRecord<String, byte[]>> records = reader.read(1, TIMEOUT);

            assertThat(records).hasSize(1);
            assertThat(records.get(0).key()).isEqualTo("k-1");
            assertThat(records.get(0).value()).asString(StandardCharsets.UTF_8).isEqualTo("hello");
            assertThat(records.get(0).headers().lastHeader("correlation-id").value())
                    .asString(StandardCharsets.UTF_8)
                    .isEqualTo("c-1");
        }
    }

    @Test
    void carriesAnInlineImageOfSixteenMebibytes(KafkaTestClient kafka) {
        kafka.createTopics("test-support.images");
        byte[] image = new byte[16 * 1024 * 1024];
        Arrays.fill(image, (byte) 7);

        kafka.send("test-support.images", "big", image);

        assertThat(image.length).isLessThan(LocalKafkaBroker.MAX_MESSAGE_BYTES);
        List<ConsumerRecord<String, byte[]>> records = kafka.drain("test-support.images", 1, TIMEOUT);
        assertThat(records).hasSize(1);
        assertThat(records.get(0).value()).isEqualTo(image);
    }

    @Test
    void refusesToReadATopicThatNobodyCreated(KafkaTestClient kafka) {
        assertThatThrownBy(() -> kafka.readFromBeginning("test-support.never-created"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("does not exist");
    }

    @Test
    void sharesOneBrokerAcrossTheJvm(KafkaBroker broker, KafkaTestClient kafka) {
        assertThat(kafka.bootstrapServers()).isEqualTo(broker.bootstrapServers());
        assertThat(KafkaBroker.shared()).isSameAs(broker);
    }
}
