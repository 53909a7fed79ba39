package dev.likeness.cli;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.time.Instant;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import dev.likeness.core.kafka.CloudEventHeaders;
import dev.likeness.core.kafka.EventTypes;

/** Kafka records in CloudEvents binary mode, as the mesh's services write them, and the events read back from them. */
final class CloudEventRecords {

    static final String SOURCE = "/likeness/cli";

    private CloudEventRecords() {}

    static ProducerRecord<String, byte[]> of(String topic, String key, Message event) {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, key, event.toByteArray());
        Headers headers = record.headers();
        headers.add(CloudEventHeaders.SPEC_VERSION, "1.0".getBytes(UTF_8));
        headers.add(CloudEventHeaders.ID, EventTypes.idOf(key, event).getBytes(UTF_8));
        headers.add(CloudEventHeaders.TYPE, EventTypes.typeOf(event).getBytes(UTF_8));
        headers.add(CloudEventHeaders.SOURCE, SOURCE.getBytes(UTF_8));
        headers.add(CloudEventHeaders.TIME, Instant.now().toString().getBytes(UTF_8));
        headers.add(CloudEventHeaders.CONTENT_TYPE, EventTypes.PROTOBUF_CONTENT_TYPE.getBytes(UTF_8));
        return record;
    }

    /** The event a service answered with; one it cannot have written is an unexpected failure (exit 5). */
    static <T> T parse(Parser<T> parser, ConsumerRecord<String, byte[]> record) {
        try {
            return parser.parseFrom(record.value());
        } catch (InvalidProtocolBufferException e) {
            throw new CliException(
                    ExitCodes.UNEXPECTED,
                    "undecodable record on " + record.topic() + " for request " + record.key() + ": " + e.getMessage());
        }
    }
}
