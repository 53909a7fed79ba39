package dev.likeness.servicekit.kafka;

import java.time.Duration;
import java.util.List;

import org.eclipse.microprofile.reactive.messaging.Message;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;

/**
 * Sends whose completion the consumer waits for before its offsets are committed: a request is
 * acknowledged only once everything it produced is on the broker (at-least-once, nothing lost).
 */
public final class Sends {

    private Sends() {}

    public static Uni<Void> send(MutinyEmitter<byte[]> emitter, Message<byte[]> message) {
        return emitter.sendMessage(message);
    }

    /** Waits for every send; a failure propagates so the batch is not acknowledged (and is redelivered). */
    public static void awaitAll(List<Uni<Void>> sends, Duration timeout) {
        if (sends.isEmpty()) {
            return;
        }
        Uni.join().all(sends).andCollectFailures().await().atMost(timeout);
    }
}
