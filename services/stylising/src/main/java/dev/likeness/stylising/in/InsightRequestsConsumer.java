package dev.likeness.stylising.in;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import dev.likeness.core.kafka.EventParser;
import dev.likeness.core.kafka.RejectedInputException;
import dev.likeness.events.v1.InsightRequested;
import dev.likeness.servicekit.kafka.InsightOutlets;
import dev.likeness.servicekit.kafka.Sends;
import dev.likeness.stylising.InsightJobs;
import dev.likeness.stylising.StylisingConfig;
import dev.likeness.stylising.out.InsightPublisher;
import dev.likeness.stylising.out.StylePublisher;
import io.smallrye.common.annotation.Blocking;

/**
 * Consumes insight requests one at a time (an atlas job runs for minutes): maps and ResNet-50's atlas and delete
 * requests are run, explain requests and other networks' atlases and deletes are left to the embedding service. The offset is
 * committed once the result (or dead letter) is on the broker; a request redelivered after a crash runs again, and an
 * atlas job resumes from its checkpoint. A record that cannot be parsed is dead-lettered here only, not by embedding
 * too.
 */
@ApplicationScoped
public class InsightRequestsConsumer {

    private static final Logger LOG = Logger.getLogger(InsightRequestsConsumer.class);

    private final EventParser<InsightRequested> parser = new EventParser<>(InsightRequested.getDefaultInstance());

    @Inject
    InsightJobs jobs;

    @Inject
    InsightPublisher publisher;

    @Inject
    StylePublisher deadLetters;

    @Inject
    StylisingConfig config;

    @Incoming("insight-requests")
    @Blocking
    public void consume(ConsumerRecord<String, byte[]> record) throws Exception {
        InsightRequested request = null;
        InsightOutlets.Job job = publisher.job();
        try {
            request = parser.parse(record);
            if (!InsightJobs.serves(request)) {
                return;
            }
            publisher.finish(job, jobs.run(request, job::progress), config.sendTimeout());
        } catch (RejectedInputException e) {
            String requestId = request == null ? null : request.getRequestId();
            LOG.infof("Dead-lettering insight request %s: %s %s", record.key(), e.reasonCode(), e.getMessage());
            // The progress of a job that found nothing to run reaches the broker before its dead letter.
            job.awaitProgress(config.sendTimeout());
            Sends.awaitAll(List.of(deadLetters.deadLetter(record, e, 1, requestId)), config.sendTimeout());
        }
    }
}
