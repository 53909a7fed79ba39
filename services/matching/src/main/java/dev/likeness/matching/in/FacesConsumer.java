package dev.likeness.matching.in;

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
import dev.likeness.servicekit.retry.RetryPolicy;
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

    @Inject
    FacesRequestValidator validator;

    @Inject
    MatchRequests requests;

    @Inject
    MatchesPublisher publisher;

    @Inject
    RetryPolicy retries;

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
        // A gallery write that timed out, a broker hiccup: worth another try, then a dead letter. Gallery writes are
        // not part of the transaction (the follower must see them before the next request): they are idempotent
        // instead, an enrolment stores its request id and is never stored twice.
        RetryPolicy.Attempts<BatchDelivery.Output> attempts = retries.run(
                "Request " + request.event().getRequestId(),
                () -> publisher.result(
                        requests.answer(request.event()), request.event().getOnTenantTopic()),
                failure -> true);
        if (attempts.succeeded()) {
            return attempts.value();
        }
        LOG.warnf(
                attempts.failure(),
                "Request %s failed %d times",
                request.event().getRequestId(),
                attempts.attempts());
        return publisher.deadLetter(
                record,
                new RejectedInputException(
                        "PROCESSING_FAILED", String.valueOf(attempts.failure().getMessage()), attempts.failure()),
                attempts.attempts(),
                request.event().getRequestId());
    }
}
