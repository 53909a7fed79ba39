package dev.likeness.cli;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import dev.likeness.core.kafka.CloudEventHeaders;
import dev.likeness.core.kafka.EventTypes;
import dev.likeness.events.v1.DeadLetter;
import dev.likeness.events.v1.FacesEmbedded;
import dev.likeness.events.v1.Identity;
import dev.likeness.events.v1.ImageStylised;
import dev.likeness.events.v1.ImageSubmitted;
import dev.likeness.events.v1.MatchResult;
import dev.likeness.events.v1.StyleCancelRequested;
import dev.likeness.events.v1.StyleProgress;
import dev.likeness.events.v1.StyleRequested;

/** Decodes mesh records by their ce_type header and prints them as JSON, large byte fields replaced by their size. */
final class EventJson {

    /** Byte fields up to this size (keys, short ids) are printed; larger ones (images, previews) only as their size. */
    private static final int MAX_PRINTED_BYTES = 128;

    private static final Map<String, Message> EVENTS_BY_TYPE = Stream.of(
                    ImageSubmitted.getDefaultInstance(),
                    FacesEmbedded.getDefaultInstance(),
                    MatchResult.getDefaultInstance(),
                    Identity.getDefaultInstance(),
                    DeadLetter.getDefaultInstance(),
                    StyleRequested.getDefaultInstance(),
                    StyleCancelRequested.getDefaultInstance(),
                    StyleProgress.getDefaultInstance(),
                    ImageStylised.getDefaultInstance())
            .collect(Collectors.toMap(EventTypes::typeOf, Function.identity()));

    private static final JsonFormat.Printer PRINTER = JsonFormat.printer().omittingInsignificantWhitespace();
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Indented, with "key": value as protobuf's own printer writes it. */
    static final ObjectWriter PRETTY = JSON.writer(new DefaultPrettyPrinter()
            .withSeparators(Separators.createDefaultInstance().withObjectFieldValueSpacing(Separators.Spacing.AFTER)));

    private EventJson() {}

    /** One line: where the record is, its key and type, and the decoded event. */
    static String line(ConsumerRecord<String, byte[]> record) {
        ObjectNode line = JSON.createObjectNode();
        line.put("topic", record.topic());
        line.put("partition", record.partition());
        line.put("offset", record.offset());
        line.put("key", record.key());
        Optional<String> type = header(record, CloudEventHeaders.TYPE);
        line.put("type", type.orElse(null));
        if (record.value() == null) {
            line.put("tombstone", true);
        } else {
            try {
                Optional<Message> event = decode(record);
                if (event.isPresent()) {
                    line.set("event", toJson(event.get()));
                } else {
                    line.put("valueBytes", record.value().length);
                }
            } catch (InvalidProtocolBufferException e) {
                line.put("undecodable", e.getMessage());
                line.put("valueBytes", record.value().length);
            }
        }
        return write(line, false);
    }

    static String pretty(Message event) {
        return write(toJson(event), true);
    }

    private static String write(JsonNode json, boolean pretty) {
        try {
            return pretty ? PRETTY.writeValueAsString(json) : JSON.writeValueAsString(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write JSON", e);
        }
    }

    /** The event of a known ce_type; empty for other types. */
    static Optional<Message> decode(ConsumerRecord<String, byte[]> record) throws InvalidProtocolBufferException {
        Optional<Message> prototype = header(record, CloudEventHeaders.TYPE).map(EVENTS_BY_TYPE::get);
        if (prototype.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(prototype.get().getParserForType().parseFrom(record.value()));
    }

    static Optional<String> header(ConsumerRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null || header.value() == null
                ? Optional.empty()
                : Optional.of(new String(header.value(), UTF_8));
    }

    private static ObjectNode toJson(Message event) {
        try {
            ObjectNode json = (ObjectNode) JSON.readTree(PRINTER.print(event));
            replaceLargeBytes(event, json);
            return json;
        } catch (InvalidProtocolBufferException | JsonProcessingException e) {
            throw new IllegalStateException(
                    "Cannot print " + event.getDescriptorForType().getFullName() + " as JSON", e);
        }
    }

    /** Replaces each large bytes field of the JSON by {"omittedBytes": size}, walking message and JSON together. */
    private static void replaceLargeBytes(Message message, ObjectNode json) {
        for (Map.Entry<FieldDescriptor, Object> field : message.getAllFields().entrySet()) {
            FieldDescriptor descriptor = field.getKey();
            JsonNode value = json.get(descriptor.getJsonName());
            if (value == null || descriptor.isMapField()) {
                continue;
            }
            if (descriptor.getJavaType() == FieldDescriptor.JavaType.BYTE_STRING && !descriptor.isRepeated()) {
                int size = ((ByteString) field.getValue()).size();
                if (size > MAX_PRINTED_BYTES) {
                    json.set(descriptor.getJsonName(), JSON.createObjectNode().put("omittedBytes", size));
                }
            } else if (descriptor.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
                if (descriptor.isRepeated() && value instanceof ArrayNode array) {
                    List<?> elements = (List<?>) field.getValue();
                    for (int i = 0; i < elements.size() && i < array.size(); i++) {
                        if (array.get(i) instanceof ObjectNode element) {
                            replaceLargeBytes((Message) elements.get(i), element);
                        }
                    }
                } else if (value instanceof ObjectNode object) {
                    replaceLargeBytes((Message) field.getValue(), object);
                }
            }
        }
    }
}
