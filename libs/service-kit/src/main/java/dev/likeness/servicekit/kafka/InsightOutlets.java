package dev.likeness.servicekit.kafka;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.likeness.events.v1.AtlasIndexed;
import dev.likeness.events.v1.InsightProgress;
import dev.likeness.events.v1.InsightResult;
import io.smallrye.reactive.messaging.MutinyEmitter;

/**
 * Where a service's insight events go (docs/insight.md, "The mesh"): progress, results, and the atlas index
 * (compacted, key = atlas name: the atlas built, or a tombstone for one deleted). Keyed by request id,
 * at-least-once. Stylising and embedding both serve atlas jobs, so both send them the same way, one {@link Job} per
 * request: progress as the job goes, then, once the broker has every progress event, the index record and then the
 * result (or the dead letter).
 */
public final class InsightOutlets {

    private final MutinyEmitter<byte[]> progress;
    private final MutinyEmitter<byte[]> results;
    private final MutinyEmitter<byte[]> atlases;
    private final URI source;

    public InsightOutlets(
            MutinyEmitter<byte[]> progress, MutinyEmitter<byte[]> results, MutinyEmitter<byte[]> atlases, URI source) {
        this.progress = progress;
        this.results = results;
        this.atlases = atlases;
        this.source = source;
    }

    /** The sends of a new request. */
    public Job job() {
        return new Job();
    }

    /**
     * One request's sends, apart from every other request's: a job that ends in a dead letter leaves nothing for the
     * next request to wait on. Used by the one thread that runs the request.
     */
    public final class Job {

        private final List<CompletableFuture<Void>> progressSent = new ArrayList<>();

        private Job() {}

        /** Sends a progress event now; {@link #finish} and {@link #awaitProgress} wait until the broker has it. */
        public void progress(InsightProgress event) {
            progressSent.add(Sends.send(progress, OutgoingEvents.event(event.getRequestId(), event, source))
                    .subscribeAsCompletionStage());
        }

        /** Waits until the broker has the progress sent so far: before a dead letter, so that it comes after it. */
        public void awaitProgress(Duration timeout) throws InterruptedException, ExecutionException, TimeoutException {
            CompletableFuture.allOf(progressSent.toArray(CompletableFuture[]::new))
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }

        /**
         * Waits for the progress, then sends the atlas index record (a tombstone where {@code indexed} is null;
         * nothing where {@code atlasName} is null) and then the result, waiting for both: a client that has the result
         * finds the atlas listed.
         */
        public void finish(String atlasName, AtlasIndexed indexed, InsightResult result, Duration timeout)
                throws InterruptedException, ExecutionException, TimeoutException {
            awaitProgress(timeout);
            if (atlasName != null) {
                Sends.awaitAll(
                        List.of(Sends.send(
                                atlases,
                                indexed == null
                                        ? OutgoingEvents.tombstone(atlasName)
                                        : OutgoingEvents.event(atlasName, indexed, source))),
                        timeout);
            }
            Sends.awaitAll(
                    List.of(Sends.send(results, OutgoingEvents.event(result.getRequestId(), result, source))), timeout);
        }
    }
}
