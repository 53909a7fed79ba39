package dev.likeness.stylising.in;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import dev.likeness.core.kafka.DeliveryMode;
import dev.likeness.core.kafka.EventParser;
import dev.likeness.core.kafka.RejectedInputException;
import dev.likeness.events.v1.StyleRequested;
import dev.likeness.servicekit.kafka.DeadLetters;
import dev.likeness.servicekit.kafka.Sends;
import dev.likeness.stylising.StyleJobs;
import dev.likeness.stylising.StyleRequestValidator;
import dev.likeness.stylising.StylisingConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;

/**
 * Consumes style requests in small batches: validates each (dead-lettering malformed ones, answering over-limit
 * ones with an error result), runs the batch's jobs on the job pool, and returns, so the offsets are committed,
 * only once every result is on the broker (at-least-once; a crash repaints). Long jobs need a long
 * max.poll.interval.ms (set in application.properties).
 */
@ApplicationScoped
public class StyleRequestsConsumer {

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(StyleRequestsConsumer.class);

    private final EventParser<StyleRequested> parser = new EventParser<>(StyleRequested.getDefaultInstance());
    private DeadLetters deadLetters;

    @Inject
    MeterRegistry registry;

    @Inject
    StyleRequestValidator validator;

    @Inject
    StyleJobs jobs;

    @Inject
    StylisingConfig config;

    @Inject
    @Channel("dead-letters")
    MutinyEmitter<byte[]> deadLetterChannel;

    @ConfigProperty(name = "likeness.delivery")
    String delivery;

    @PostConstruct
    void init() {
        // A painting takes seconds to minutes: a transaction held open that long would stall every
        // read_committed reader of the result partitions. Results are idempotent instead (docs/reliability.md).
        if (DeliveryMode.of(delivery) != DeliveryMode.AT_LEAST_ONCE) {
            throw new IllegalStateException("likeness.delivery=" + delivery + ": the stylising service delivers "
                    + "at-least-once only, with results keyed by request id and named after it (docs/reliability.md)");
        }
        deadLetters = new DeadLetters("stylising", registry);
    }

    @Incoming("style-requests")
    @Blocking
    public void consume(ConsumerRecords<String, byte[]> batch) throws Exception {
        List<Uni<Void>> sends = new ArrayList<>();
        List<CompletableFuture<Void>> running = new ArrayList<>();
        LOG.debugf("Style batch of %d", batch.count());
        for (ConsumerRecord<String, byte[]> record : batch) {
            StyleRequested request = null;
            try {
                request = parser.parse(record);
                running.add(jobs.submit(validator.validate(request)));
            } catch (StyleRequestValidator.LimitExceededException e) {
                LOG.infof("Style request %s over a limit: %s", request.getRequestId(), e.getMessage());
                sends.add(jobs.reject(request, "LIMIT_EXCEEDED", e.getMessage()));
            } catch (RejectedInputException e) {
                LOG.infof("Dead-lettering style request %s: %s %s", record.key(), e.reasonCode(), e.getMessage());
                sends.add(deadLetters.send(
                        deadLetterChannel, record, e, 1, request == null ? null : request.getRequestId()));
            }
        }
        Sends.awaitAll(sends, config.sendTimeout());
        for (CompletableFuture<Void> job : running) {
            job.get(1, TimeUnit.DAYS);
        }
    }
}
