package dev.likeness.servicekit.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.charset.StandardCharsets;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.junit.jupiter.api.Test;

import dev.likeness.core.kafka.CloudEventHeaders;
import dev.likeness.core.kafka.DeliveryMode;
import dev.likeness.core.kafka.Topics;
import dev.likeness.events.v1.RequestError;
import io.smallrye.reactive.messaging.ce.OutgoingCloudEventMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

class BatchDeliveryTest {

    @Test
    void theTwoModesAndNothingElse() {
        assertThat(DeliveryMode.of("at-least-once")).isEqualTo(DeliveryMode.AT_LEAST_ONCE);
        assertThat(DeliveryMode.of(" Exactly-Once ")).isEqualTo(DeliveryMode.EXACTLY_ONCE);
        assertThatThrownBy(() -> DeliveryMode.of("at-most-once"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at-least-once")
                .hasMessageContaining("exactly-once");
    }

    @SuppressWarnings("unchecked")
    @Test
    void aRecordReaddressedForTheTransactionKeepsItsKeyHeadersAndCloudEvent() {
        RecordHeaders headers = new RecordHeaders();
        headers.add(CloudEventHeaders.DEAD_LETTER_REASON_CODE, "IMAGE_EMPTY".getBytes(StandardCharsets.UTF_8));
        Message<byte[]> letter = OutgoingEvents.event(
                "request-7", RequestError.newBuilder().setCode("X").build(), URI.create("/likeness/test"), headers);

        Message<byte[]> addressed = BatchDelivery.toTopic(letter, Topics.deadLetters("embedding"));

        OutgoingKafkaRecordMetadata<String> kafka =
                addressed.getMetadata(OutgoingKafkaRecordMetadata.class).orElseThrow();
        assertThat(kafka.getTopic()).isEqualTo(Topics.deadLetters("embedding"));
        assertThat(kafka.getKey()).isEqualTo("request-7");
        assertThat(kafka.getHeaders()
                        .lastHeader(CloudEventHeaders.DEAD_LETTER_REASON_CODE)
                        .value())
                .asString(StandardCharsets.UTF_8)
                .isEqualTo("IMAGE_EMPTY");
        assertThat(addressed
                        .getMetadata(OutgoingCloudEventMetadata.class)
                        .orElseThrow()
                        .getId())
                .isEqualTo("request-7/likeness.v1.RequestError");
        assertThat(addressed.getPayload()).isEqualTo(letter.getPayload());
    }
}
