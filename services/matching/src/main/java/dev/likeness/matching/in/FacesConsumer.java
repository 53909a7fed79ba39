package dev.likeness.matching.in;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import dev.likeness.core.kafka.RejectedInputException;
import dev.likeness.events.v1.Purpose;
import dev.likeness.matching.MatchRequests;
import dev.likeness.matching.out.MatchesPublisher;
import dev.likeness.servicekit.kafka.BatchDelivery;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;

/**
 * Consumes FacesEmbedded requests in batches (at most max.poll.records). Each one is answered on the matches
 * topic, or dead-lettered with the reason; the batch is acknowledged with, or after, its answers
 * (likeness.delivery). The consumer never stops on a bad or failing request.
 */
@ApplicationScoped
public class FacesConsumer {

    private static final Logger LOG = Logger.getLogger(FacesConsumer.class);
    private static final int ATTEMPTS = 3;
    private static final Duration RETRY_PAUSE = Duration.ofMillis(500);

    @Inject
    FacesRequestValidator validator;

    @Inject
    MatchRequests requests;

    @Inject
    MatchesPublisher publisher;

    @Incoming("faces")
    @Blocking
    public Uni<Void> consume(KafkaRecordBatch<String, byte[]> batch) {
        List<BatchDelivery.Output> outputs = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> record : BatchDelivery.records(batch)) {
            BatchDelivery.Output output = handle(record);
            if (output != null) {
                outputs.add(output);
            }
        }
        return publisher.delivery().complete(batch, outputs);
    }

    /** The record that answers the request, or null when there is nothing to answer (detect-only). */
    private BatchDelivery.Output handle(ConsumerRecord<String, byte[]> record) {
        FacesRequest request;
        try {
            request = validator.validate(record);
        } catch (RejectedInputException e) {
            LOG.warnf(
                    "Dead-lettering %s-%d@%d: %s %s",
                    record.topic(), record.partition(), record.offset(), e.reasonCode(), e.getMessage());
            return publisher.deadLetter(record, e, 1, record.key());
        }
        if (request.event().getPurpose().getKindCase() == Purpose.KindCase.DETECT_ONLY) {
            return null;
        }
        RuntimeException lastFailure = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            try {
                return publisher.result(requests.answer(request.event()));
            } catch (RuntimeException e) {
                // A gallery write that timed out, a broker hiccup: worth another try, then a dead letter. Gallery
                // writes are not part of the transaction (the follower must see them before the next request):
                // they are idempotent instead, an enrolment stores its request id and is never stored twice.
                lastFailure = e;
                LOG.warnf(
                        e,
                        "Request %s failed (attempt %d of %d)",
                        request.event().getRequestId(),
                        attempt,
                        ATTEMPTS);
                pause();
            }
        }
        return publisher.deadLetter(
                record,
                new RejectedInputException("PROCESSING_FAILED", String.valueOf(lastFailure.getMessage()), lastFailure),
                ATTEMPTS,
                request.event().getRequestId());
    }

    private static void pause() {
        try {
            Thread.sleep(RETRY_PAUSE.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
