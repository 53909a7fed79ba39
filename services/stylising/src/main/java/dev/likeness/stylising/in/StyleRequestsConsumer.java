package dev.likeness.stylising.in;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import com.google.protobuf.Timestamp;

import dev.likeness.common.kafka.DeadLetters;
import dev.likeness.common.kafka.EventParser;
import dev.likeness.common.kafka.OutgoingEvents;
import dev.likeness.common.kafka.RejectedInputException;
import dev.likeness.common.kafka.Sends;
import dev.likeness.events.v1.ImageStylised;
import dev.likeness.events.v1.RequestError;
import dev.likeness.events.v1.StyleRequested;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;

/**
 * Consumes style requests. Style transfer is not built yet: every well-formed request gets an explicit
 * NOT_IMPLEMENTED error result (never a silent drop, never a fake picture); malformed ones are dead-lettered.
 */
@ApplicationScoped
public class StyleRequestsConsumer {

    private static final URI SOURCE = URI.create("/likeness/stylising");
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(60);

    private final EventParser<StyleRequested> parser = new EventParser<>(StyleRequested.getDefaultInstance());
    private final DeadLetters deadLetters = new DeadLetters("stylising");

    @Inject
    @Channel("style-results")
    MutinyEmitter<byte[]> results;

    @Inject
    @Channel("dead-letters")
    MutinyEmitter<byte[]> deadLetterChannel;

    @Incoming("style-requests")
    @Blocking
    public void consume(ConsumerRecords<String, byte[]> batch) {
        List<Uni<Void>> sends = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> record : batch) {
            try {
                StyleRequested request = parser.parse(record);
                if (request.getRequestId().isBlank()) {
                    throw new RejectedInputException("MISSING_FIELD", "request_id is required");
                }
                Instant now = Instant.now();
                ImageStylised notYet = ImageStylised.newBuilder()
                        .setRequestId(request.getRequestId())
                        .setProducedAt(Timestamp.newBuilder().setSeconds(now.getEpochSecond()))
                        .setError(RequestError.newBuilder().setCode("NOT_IMPLEMENTED")
                                .setMessage("style transfer is not available in this version of Likeness"))
                        .putAllAttributes(request.getAttributesMap())
                        .build();
                sends.add(Sends.send(results, OutgoingEvents.event(request.getRequestId(), notYet, SOURCE)));
            } catch (RejectedInputException e) {
                sends.add(Sends.send(deadLetterChannel, deadLetters.of(record, e, 1, null)));
            }
        }
        Sends.awaitAll(sends, SEND_TIMEOUT);
    }
}
