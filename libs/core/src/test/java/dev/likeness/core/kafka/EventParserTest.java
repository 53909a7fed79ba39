package dev.likeness.core.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.Test;

import dev.likeness.events.v1.ImageSubmitted;

class EventParserTest {

    final EventParser<ImageSubmitted> parser = new EventParser<>(ImageSubmitted.getDefaultInstance());

    /** Kafka allows a header without a value; it names no event type, so the record is refused, not thrown past. */
    @Test
    void aCeTypeHeaderWithoutAValueIsTheWrongEventType() {
        ConsumerRecord<String, byte[]> record = new ConsumerRecord<>(
                Topics.IMAGES,
                0,
                0,
                "request-1",
                ImageSubmitted.newBuilder().setRequestId("request-1").build().toByteArray());
        record.headers().add(new RecordHeader(CloudEventHeaders.TYPE, null));

        RejectedInputException rejection =
                catchThrowableOfType(RejectedInputException.class, () -> parser.parse(record));

        assertThat(rejection.reasonCode()).isEqualTo("WRONG_EVENT_TYPE");
        assertThat(rejection).hasMessageContaining("has no value");
    }

    @Test
    void aLongCeTypeIsQuotedByItsHead() {
        ConsumerRecord<String, byte[]> record = new ConsumerRecord<>(Topics.IMAGES, 0, 0, "request-1", new byte[] {1});
        record.headers().add(CloudEventHeaders.TYPE, "x".repeat(1_000_000).getBytes(StandardCharsets.UTF_8));

        RejectedInputException rejection =
                catchThrowableOfType(RejectedInputException.class, () -> parser.parse(record));

        assertThat(rejection.reasonCode()).isEqualTo("WRONG_EVENT_TYPE");
        assertThat(rejection.getMessage()).hasSizeLessThan(400).endsWith("(1000000 characters)");
    }
}
