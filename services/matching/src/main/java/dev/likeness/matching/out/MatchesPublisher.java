package dev.likeness.matching.out;

import java.net.URI;
import java.util.Locale;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Channel;

import dev.likeness.common.kafka.DeadLetters;
import dev.likeness.common.kafka.OutgoingEvents;
import dev.likeness.common.kafka.RejectedInputException;
import dev.likeness.common.kafka.Sends;
import dev.likeness.events.v1.MatchResult;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;

/** Writes MatchResult answers (key = request id) and dead letters; each send completes when the broker has it. */
@ApplicationScoped
public class MatchesPublisher {

    public static final URI SOURCE = URI.create("/likeness/matching");

    @Inject
    @Channel("matches")
    MutinyEmitter<byte[]> matches;

    @Inject
    @Channel("dead-letters")
    MutinyEmitter<byte[]> deadLetterChannel;

    private final DeadLetters deadLetters;
    private final MeterRegistry registry;

    @Inject
    public MatchesPublisher(MeterRegistry registry) {
        this.registry = registry;
        this.deadLetters = new DeadLetters("matching", registry);
    }

    public Uni<Void> publish(MatchResult result) {
        Counter.builder("likeness.matching.results").tag("outcome", outcome(result)).register(registry).increment();
        return Sends.send(matches, OutgoingEvents.event(result.getRequestId(), result, SOURCE));
    }

    public Uni<Void> deadLetter(ConsumerRecord<String, byte[]> record, RejectedInputException reason, int attempts,
            String requestId) {
        return deadLetters.send(deadLetterChannel, record, reason, attempts, requestId);
    }

    private static String outcome(MatchResult result) {
        return result.getOutcomeCase() == MatchResult.OutcomeCase.ERROR ? result.getError().getCode()
                : result.getOutcomeCase().name().toLowerCase(Locale.ROOT);
    }
}
