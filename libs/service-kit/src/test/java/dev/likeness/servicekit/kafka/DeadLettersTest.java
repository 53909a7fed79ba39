package dev.likeness.servicekit.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.junit.jupiter.api.Test;

import dev.likeness.core.kafka.CloudEventHeaders;
import dev.likeness.core.kafka.RejectedInputException;
import dev.likeness.events.v1.DeadLetter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

class DeadLettersTest {

    static final int SIX_MB = 6 * 1024 * 1024;

    @SuppressWarnings("unchecked")
    @Test
    void aReasonOfMegabytesIsCutSoTheDeadLetterStaysSmall() throws Exception {
        String dataUrl = "data:image/jpeg;base64," + "A".repeat(SIX_MB);
        ConsumerRecord<String, byte[]> record =
                new ConsumerRecord<>("likeness.images.v1", 0, 42, "request-1", new byte[0]);

        Message<byte[]> letter = new DeadLetters("test", new SimpleMeterRegistry())
                .counted(record, new RejectedInputException("BAD_URI", "unsupported URI scheme in " + dataUrl), 1, "r");

        assertThat(letter.getPayload().length).isLessThan(4096);
        String reason = DeadLetter.parseFrom(letter.getPayload()).getReason();
        assertThat(reason)
                .startsWith("unsupported URI scheme in data:image/jpeg;base64,AAA")
                .endsWith("…");
        assertThat(reason.getBytes(StandardCharsets.UTF_8)).hasSize(DeadLetters.MAX_REASON_BYTES);
        byte[] header = letter.getMetadata(OutgoingKafkaRecordMetadata.class)
                .orElseThrow()
                .getHeaders()
                .lastHeader(CloudEventHeaders.DEAD_LETTER_REASON)
                .value();
        assertThat(new String(header, StandardCharsets.UTF_8)).isEqualTo(reason);
    }

    @Test
    void aShortReasonIsKeptWhole() {
        String reason = "x".repeat(DeadLetters.MAX_REASON_BYTES);

        assertThat(DeadLetters.capped(reason)).isSameAs(reason);
    }

    @Test
    void aReasonIsCutBetweenCharacters() {
        // 2-byte, 3-byte and 4-byte (surrogate pair) characters, each at an offset where the limit falls inside one.
        for (String character : new String[] {"é", "€", "😀"}) {
            for (int offset = 0; offset < 4; offset++) {
                String reason = "x".repeat(offset) + character.repeat(DeadLetters.MAX_REASON_BYTES);

                String capped = DeadLetters.capped(reason);

                byte[] utf8 = capped.getBytes(StandardCharsets.UTF_8);
                assertThat(utf8.length).isLessThanOrEqualTo(DeadLetters.MAX_REASON_BYTES);
                assertThat(new String(utf8, StandardCharsets.UTF_8)).isEqualTo(capped);
                assertThat(capped.substring(0, capped.length() - 1))
                        .isEqualTo(reason.substring(0, capped.length() - 1));
                assertThat(capped).endsWith("…");
            }
        }
    }
}
