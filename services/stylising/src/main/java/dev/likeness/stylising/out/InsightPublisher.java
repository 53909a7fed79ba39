package dev.likeness.stylising.out;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.reactive.messaging.Channel;

import dev.likeness.insight.Atlases;
import dev.likeness.servicekit.kafka.InsightOutlets;
import io.smallrye.reactive.messaging.MutinyEmitter;

/**
 * Where the stylising service's insight events go: progress, results, and the atlas index ({@link InsightOutlets},
 * as the embedding service's face atlases); dead letters go with the style requests' ({@link
 * StylePublisher#deadLetter}).
 */
@ApplicationScoped
public class InsightPublisher {

    private final InsightOutlets outlets;

    @Inject
    public InsightPublisher(
            @Channel("insight-progress") MutinyEmitter<byte[]> progress,
            @Channel("insight-results") MutinyEmitter<byte[]> results,
            @Channel("insight-atlases") MutinyEmitter<byte[]> atlases) {
        this.outlets = new InsightOutlets(progress, results, atlases, StylePublisher.SOURCE);
    }

    /** A request's sends (its progress, then its result), apart from every other request's. */
    public InsightOutlets.Job job() {
        return outlets.job();
    }

    /** Once the job's progress is on the broker: the atlas index record (or tombstone), then the result. */
    public void finish(InsightOutlets.Job job, Atlases.Outcome outcome, Duration timeout) throws Exception {
        job.finish(outcome.atlasName(), outcome.indexed(), outcome.result(), timeout);
    }
}
