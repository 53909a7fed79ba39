package dev.likeness.stylising.out;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.reactive.messaging.Channel;

import dev.likeness.events.v1.InsightProgress;
import dev.likeness.servicekit.kafka.OutgoingEvents;
import dev.likeness.servicekit.kafka.Sends;
import dev.likeness.stylising.InsightJobs;
import io.smallrye.reactive.messaging.MutinyEmitter;

/**
 * Where the stylising service's insight events go: progress, results, and the atlas index (compacted, key = atlas
 * name: the atlas built, or a tombstone for one deleted). Keyed by request id, at-least-once like the style
 * results; dead letters go with the style requests' ({@link StylePublisher#deadLetter}).
 */
@ApplicationScoped
public class InsightPublisher {

    static final URI SOURCE = StylePublisher.SOURCE;

    private final MutinyEmitter<byte[]> progress;
    private final MutinyEmitter<byte[]> results;
    private final MutinyEmitter<byte[]> atlases;

    @Inject
    public InsightPublisher(
            @Channel("insight-progress") MutinyEmitter<byte[]> progress,
            @Channel("insight-results") MutinyEmitter<byte[]> results,
            @Channel("insight-atlases") MutinyEmitter<byte[]> atlases) {
        this.progress = progress;
        this.results = results;
        this.atlases = atlases;
    }

    /** Sends a progress event now; the future completes when the broker has it. */
    public CompletableFuture<Void> progress(InsightProgress event) {
        return Sends.send(progress, OutgoingEvents.event(event.getRequestId(), event, SOURCE))
                .subscribeAsCompletionStage();
    }

    /**
     * Sends the atlas index record (or tombstone) first and then the result, waiting for both: a client that has
     * the result finds the atlas listed.
     */
    public void finish(InsightJobs.Outcome outcome, Duration timeout) {
        if (outcome.atlasName() != null) {
            Sends.awaitAll(
                    List.of(Sends.send(
                            atlases,
                            outcome.indexed() == null
                                    ? OutgoingEvents.tombstone(outcome.atlasName())
                                    : OutgoingEvents.event(outcome.atlasName(), outcome.indexed(), SOURCE))),
                    timeout);
        }
        Sends.awaitAll(
                List.of(Sends.send(
                        results, OutgoingEvents.event(outcome.result().getRequestId(), outcome.result(), SOURCE))),
                timeout);
    }
}
