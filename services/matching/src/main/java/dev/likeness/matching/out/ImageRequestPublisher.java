package dev.likeness.matching.out;

import java.net.URI;
import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.reactive.messaging.Channel;

import dev.likeness.events.v1.ImageSubmitted;
import dev.likeness.servicekit.kafka.OutgoingEvents;
import io.smallrye.reactive.messaging.MutinyEmitter;

/** Submits the REST API's image uploads to the mesh, like any other client (key = request id). */
@ApplicationScoped
public class ImageRequestPublisher {

    private static final URI SOURCE = URI.create("/likeness/matching/api");

    @Inject
    @Channel("images")
    MutinyEmitter<byte[]> images;

    public void submit(ImageSubmitted request, Duration timeout) {
        images.sendMessage(OutgoingEvents.event(request.getRequestId(), request, SOURCE))
                .await()
                .atMost(timeout);
    }
}
