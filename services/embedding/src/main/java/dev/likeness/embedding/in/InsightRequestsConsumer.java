package dev.likeness.embedding.in;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import dev.likeness.core.events.RequestAttributes;
import dev.likeness.core.kafka.EventParser;
import dev.likeness.core.kafka.RejectedInputException;
import dev.likeness.embedding.EmbeddingConfig;
import dev.likeness.embedding.ExplainJobs;
import dev.likeness.embedding.FaceAtlasJobs;
import dev.likeness.embedding.out.InsightPublisher;
import dev.likeness.events.v1.InsightRequested;
import dev.likeness.servicekit.kafka.InsightOutlets;
import io.smallrye.common.annotation.Blocking;

/**
 * Consumes insight requests one at a time (a face atlas runs for minutes) and serves the explain requests and the
 * atlases, and their deletes, of every network but ResNet-50; ResNet-50's atlases and deletes and maps are the
 * stylising service's, and so are the dead letters of records that cannot be parsed (one dead letter per bad record,
 * not one per service). The offset is committed once the result or dead letter is on the broker.
 */
@ApplicationScoped
public class InsightRequestsConsumer {

    private static final Logger LOG = Logger.getLogger(InsightRequestsConsumer.class);

    private final EventParser<InsightRequested> parser = new EventParser<>(InsightRequested.getDefaultInstance());

    @Inject
    ExplainJobs explainJobs;

    @Inject
    FaceAtlasJobs atlasJobs;

    @Inject
    InsightPublisher publisher;

    @Inject
    EmbeddingConfig config;

    @Incoming("insight-requests")
    @Blocking
    public void consume(ConsumerRecord<String, byte[]> record) throws Exception {
        InsightRequested request;
        try {
            request = parser.parse(record);
        } catch (RejectedInputException e) {
            LOG.debugf("Insight request %s not parsed (stylising dead-letters it): %s", record.key(), e.getMessage());
            return;
        }
        InsightOutlets.Job job = publisher.job();
        try {
            if (request.getJobCase() == InsightRequested.JobCase.EXPLAIN || FaceAtlasJobs.serves(request)) {
                RequestAttributes.requireWithinLimit(request.getAttributesMap());
            }
            if (request.getJobCase() == InsightRequested.JobCase.EXPLAIN) {
                publisher.result(explainJobs.explain(request), config.sendTimeout());
            } else if (FaceAtlasJobs.serves(request)) {
                publisher.finish(job, atlasJobs.run(request, job::progress), config.sendTimeout());
            }
        } catch (RejectedInputException e) {
            LOG.infof("Dead-lettering insight request %s: %s %s", record.key(), e.reasonCode(), e.getMessage());
            // The progress of an atlas that found no face reaches the broker before its dead letter.
            job.awaitProgress(config.sendTimeout());
            publisher.deadLetter(record, e, request.getRequestId(), config.sendTimeout());
        }
    }
}
