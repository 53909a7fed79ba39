package dev.likeness.stylising.in;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import dev.likeness.core.kafka.EventParser;
import dev.likeness.core.kafka.RejectedInputException;
import dev.likeness.core.onnx.ModelClosedException;
import dev.likeness.events.v1.StyleRequested;
import dev.likeness.servicekit.kafka.Sends;
import dev.likeness.stylising.StyleEvents;
import dev.likeness.stylising.StyleJob;
import dev.likeness.stylising.StyleJobs;
import dev.likeness.stylising.StyleRequestValidator;
import dev.likeness.stylising.StylisingConfig;
import dev.likeness.stylising.out.StylePublisher;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;

/**
 * Consumes style requests in small batches: parses and validates each (malformed ones go to the dead letters, as does
 * one whose checks fail unexpectedly, {@code PREPARATION_FAILED}; over-limit ones get an error result), hands the
 * batch's jobs to the job pool, and returns, so the offsets are committed, only once every result is on the broker
 * (at-least-once; a crash repaints). Long jobs need a long max.poll.interval.ms (set in application.properties).
 */
@ApplicationScoped
public class StyleRequestsConsumer {

    private static final Logger LOG = Logger.getLogger(StyleRequestsConsumer.class);

    private final EventParser<StyleRequested> parser = new EventParser<>(StyleRequested.getDefaultInstance());

    @Inject
    StyleRequestValidator validator;

    @Inject
    StyleJobs jobs;

    @Inject
    StylePublisher publisher;

    @Inject
    StylisingConfig config;

    @Incoming("style-requests")
    @Blocking
    public void consume(ConsumerRecords<String, byte[]> batch) throws Exception {
        List<Uni<Void>> sends = new ArrayList<>();
        List<CompletableFuture<Void>> running = new ArrayList<>();
        LOG.debugf("Style batch of %d", batch.count());
        for (ConsumerRecord<String, byte[]> record : batch) {
            StyleRequested request = null;
            StyleJob job = null;
            try {
                request = parser.parse(record);
                job = validator.validate(request);
            } catch (StyleRequestValidator.LimitExceededException e) {
                LOG.infof("Style request %s over a limit: %s", request.getRequestId(), e.getMessage());
                sends.add(publisher.result(StyleEvents.refusal(request, "LIMIT_EXCEEDED", e.getMessage())));
            } catch (RejectedInputException e) {
                LOG.infof("Dead-lettering style request %s: %s %s", record.key(), e.reasonCode(), e.getMessage());
                sends.add(publisher.deadLetter(record, e, 1, request == null ? null : request.getRequestId()));
            } catch (ModelClosedException stopping) {
                throw stopping;
            } catch (RuntimeException e) {
                // Checking and decoding depend on the record alone, so this would fail on every redelivery:
                // dead-letter it now instead of failing the batch (and the service) for ever.
                LOG.warnf(e, "Style request %s failed its checks unexpectedly; dead-lettering it", record.key());
                sends.add(publisher.deadLetter(
                        record,
                        RejectedInputException.preparationFailed(e),
                        1,
                        request == null ? null : request.getRequestId()));
            }
            if (job != null) {
                StylePublisher.JobOutput output = publisher.jobOutput();
                running.add(jobs.submit(job, output).thenCompose(output::finish));
            }
        }
        Sends.awaitAll(sends, config.sendTimeout());
        for (CompletableFuture<Void> job : running) {
            job.get(1, TimeUnit.DAYS);
        }
    }
}
