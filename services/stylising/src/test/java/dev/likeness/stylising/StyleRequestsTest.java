package dev.likeness.stylising;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import dev.likeness.events.v1.DeadLetter;
import dev.likeness.events.v1.ImageStylised;
import dev.likeness.events.v1.StyleRequested;
import dev.likeness.testing.KafkaBroker;
import dev.likeness.testing.KafkaBrokerResource;
import dev.likeness.testing.KafkaTestClient;
import dev.likeness.testing.TopicReader;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;

/** Until style transfer lands, the service answers every request explicitly and reports healthy. */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
class StyleRequestsTest {

    @Test
    void answersEveryRequestAndDeadLettersGarbage() throws Exception {
        KafkaTestClient kafka = KafkaBroker.shared().client();
        try (TopicReader results = kafka.readFromEnd("likeness.style.results.v1");
                TopicReader deadLetters = kafka.readFromEnd("likeness.stylising.dlq.v1")) {
            kafka.send("likeness.style.requests.v1", "style-1",
                    StyleRequested.newBuilder().setRequestId("style-1").build().toByteArray());
            kafka.send("likeness.style.requests.v1", "garbage", new byte[] { (byte) 0xff, 0x01, 0x02 });

            List<ConsumerRecord<String, byte[]>> answers = results.read(1, Duration.ofSeconds(60));
            ImageStylised answer = ImageStylised.parseFrom(answers.get(0).value());
            assertThat(answer.getRequestId()).isEqualTo("style-1");
            assertThat(answer.getError().getCode()).isEqualTo("NOT_IMPLEMENTED");

            DeadLetter letter = DeadLetter.parseFrom(deadLetters.read(1, Duration.ofSeconds(60)).get(0).value());
            assertThat(letter.getReasonCode()).isEqualTo("MALFORMED_EVENT");
            assertThat(letter.getSourceTopic()).isEqualTo("likeness.style.requests.v1");
        }
        RestAssured.get("/q/health/ready").then().statusCode(200);
    }
}
