package dev.likeness.core.kafka;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;

/** Parses a record's protobuf payload, refusing anything that is not the expected event type. */
public final class EventParser<T extends Message> {

    private final Parser<T> parser;
    private final String expectedType;

    public EventParser(T defaultInstance) {
        @SuppressWarnings("unchecked")
        Parser<T> typed = (Parser<T>) defaultInstance.getParserForType();
        this.parser = typed;
        this.expectedType = EventTypes.typeOf(defaultInstance);
    }

    /**
     * @throws RejectedInputException WRONG_EVENT_TYPE when the record's ce_type names another event
     *         (or the header has no value); MALFORMED_EVENT for an empty value or bytes protobuf refuses
     */
    public T parse(ConsumerRecord<String, byte[]> record) {
        Header type = record.headers().lastHeader(CloudEventHeaders.TYPE);
        if (type != null) {
            // Kafka allows a header without a value: it names no type, so not the expected one.
            if (type.value() == null) {
                throw new RejectedInputException(
                        "WRONG_EVENT_TYPE",
                        "expected a " + expectedType + " event but the record's ce_type header has no value");
            }
            String actual = new String(type.value(), StandardCharsets.UTF_8);
            if (!actual.equals(expectedType)) {
                throw new RejectedInputException(
                        "WRONG_EVENT_TYPE",
                        "expected a " + expectedType + " event but the record's ce_type is "
                                + ClientText.excerpt(actual));
            }
        }
        if (record.value() == null || record.value().length == 0) {
            throw new RejectedInputException("MALFORMED_EVENT", "empty record value: expected a " + expectedType);
        }
        try {
            return parser.parseFrom(record.value());
        } catch (InvalidProtocolBufferException e) {
            throw new RejectedInputException(
                    "MALFORMED_EVENT", "record value is not a valid " + expectedType + ": " + e.getMessage(), e);
        }
    }
}
