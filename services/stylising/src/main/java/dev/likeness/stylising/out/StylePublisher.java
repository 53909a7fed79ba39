package dev.likeness.stylising.out;

import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Channel;

import com.google.protobuf.Message;
import dev.likeness.core.kafka.DeliveryMode;
import dev.likeness.core.kafka.RejectedInputException;
import dev.likeness.events.v1.ImageStylised;
import dev.likeness.events.v1.StyleProgress;
import dev.likeness.servicekit.kafka.DeadLetters;
import dev.likeness.servicekit.kafka.OutgoingEvents;
import dev.likeness.servicekit.kafka.Sends;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;

/**
 * Where StyleProgress, ImageStylised results and dead letters go. Events are keyed by their request id, so a
 * redelivered request produces the same keys (and CloudEvents ids) again. Delivery is at-least-once only.
 */
@ApplicationScoped
public class StylePublisher {

    static final URI SOURCE = URI.create("/likeness/stylising");

    private final MutinyEmitter<byte[]> results;
    private final MutinyEmitter<byte[]> progress;
    private final MutinyEmitter<byte[]> deadLetterChannel;
    private final DeadLetters deadLetters;

    @Inject
    public StylePublisher(
            MeterRegistry registry,
            @Channel("style-results") MutinyEmitter<byte[]> results,
            @Channel("style-progress") MutinyEmitter<byte[]> progress,
            @Channel("dead-letters") MutinyEmitter<byte[]> deadLetterChannel,
            @ConfigProperty(name = "likeness.delivery") String delivery) {
        // A painting takes seconds to minutes: a transaction held open that long would stall every
        // read_committed reader of the result partitions. Results are idempotent instead (docs/reliability.md).
        if (DeliveryMode.of(delivery) != DeliveryMode.AT_LEAST_ONCE) {
            throw new IllegalStateException("likeness.delivery=" + delivery + ": the stylising service delivers "
                    + "at-least-once only, with results keyed by request id and named after it (docs/reliability.md)");
        }
        this.results = results;
        this.progress = progress;
        this.deadLetterChannel = deadLetterChannel;
        this.deadLetters = new DeadLetters("stylising", registry);
    }

    /** Sends a result; the Uni completes when the broker has it. */
    public Uni<Void> result(ImageStylised result) {
        return send(results, result.getRequestId(), result);
    }

    public Uni<Void> deadLetter(
            ConsumerRecord<String, byte[]> record, RejectedInputException reason, int attempts, String requestId) {
        return deadLetters.send(deadLetterChannel, record, reason, attempts, requestId);
    }

    /** A job's progress events, sent as they come, and then its result once they are all on the broker. */
    public JobOutput jobOutput() {
        return new JobOutput();
    }

    public final class JobOutput implements Consumer<StyleProgress> {

        private final List<CompletableFuture<Void>> sends = Collections.synchronizedList(new ArrayList<>());

        private JobOutput() {}

        @Override
        public void accept(StyleProgress event) {
            sends.add(send(progress, event.getRequestId(), event).subscribeAsCompletionStage());
        }

        /** Sends the result after every progress event, so a client sees them in order. */
        public CompletableFuture<Void> finish(ImageStylised result) {
            return CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new))
                    .thenCompose(ignored -> result(result).subscribeAsCompletionStage());
        }
    }

    private static Uni<Void> send(MutinyEmitter<byte[]> emitter, String key, Message event) {
        return Sends.send(emitter, OutgoingEvents.event(key, event, SOURCE));
    }
}
