package dev.likeness.embedding.out;

import java.time.Duration;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Channel;

import dev.likeness.core.kafka.RejectedInputException;
import dev.likeness.events.v1.InsightResult;
import dev.likeness.insight.Atlases;
import dev.likeness.servicekit.kafka.BatchDelivery;
import dev.likeness.servicekit.kafka.InsightOutlets;
import dev.likeness.servicekit.kafka.Sends;
import io.smallrye.reactive.messaging.MutinyEmitter;

/**
 * Where explain results and the face networks' atlases go: progress, results (likeness.insight.results.v1, key =
 * request id, at-least-once: a redelivered request writes the same files and result again) and the atlas index
 * ({@link InsightOutlets}, as the stylising service's atlases); dead letters go with the images' ({@link
 * FacesPublisher}).
 */
@ApplicationScoped
public class InsightPublisher {

    private final InsightOutlets outlets;
    private final FacesPublisher faces;

    @Inject
    public InsightPublisher(
            @Channel("insight-progress") MutinyEmitter<byte[]> progress,
            @Channel("insight-results") MutinyEmitter<byte[]> results,
            @Channel("insight-atlases") MutinyEmitter<byte[]> atlases,
            FacesPublisher faces) {
        this.outlets = new InsightOutlets(progress, results, atlases, FacesPublisher.SOURCE);
        this.faces = faces;
    }

    /** A request's sends (its progress, then its result), apart from every other request's. */
    public InsightOutlets.Job job() {
        return outlets.job();
    }

    /** Sends the result and waits until the broker has it. */
    public void result(InsightResult result, Duration timeout) throws Exception {
        outlets.job().finish(null, null, result, timeout);
    }

    /** Once an atlas job's progress is on the broker: its index record (or tombstone), then its result. */
    public void finish(InsightOutlets.Job job, Atlases.Outcome outcome, Duration timeout) throws Exception {
        job.finish(outcome.atlasName(), outcome.indexed(), outcome.result(), timeout);
    }

    /** Sends a dead letter and waits until the broker has it. */
    public void deadLetter(
            ConsumerRecord<String, byte[]> record, RejectedInputException reason, String requestId, Duration timeout) {
        BatchDelivery.Output letter = faces.deadLetter(record, reason, 1, requestId);
        Sends.awaitAll(List.of(Sends.send(letter.outlet().channel(), letter.message())), timeout);
    }
}
