package dev.likeness.cli;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.time.Instant;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;

import com.google.protobuf.Message;
import dev.likeness.core.kafka.CloudEventHeaders;
import dev.likeness.core.kafka.EventTypes;

/** Kafka records in CloudEvents binary mode, as the mesh's services write them. */
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
}
