package dev.likeness.console.out;

import java.net.URI;
import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.reactive.messaging.Channel;

import dev.likeness.console.ConsoleConfig;
import dev.likeness.events.v1.ImageSubmitted;
import dev.likeness.events.v1.InsightRequested;
import dev.likeness.events.v1.StyleRequested;
import dev.likeness.servicekit.kafka.OutgoingEvents;
import io.smallrye.reactive.messaging.MutinyEmitter;

/** Publishes the page's uploads like any producer of the mesh (key = request id); results come back on the topics. */
@ApplicationScoped
public class RequestPublisher {

    private static final URI SOURCE = URI.create("/likeness/console");

    @Inject
    @Channel("images")
    MutinyEmitter<byte[]> images;

    @Inject
    @Channel("style-requests")
    MutinyEmitter<byte[]> styleRequests;

    @Inject
    @Channel("insight-requests")
    MutinyEmitter<byte[]> insightRequests;

    @Inject
    ConsoleConfig config;

    /** As the console's tenant's request, when it works within one. */
    public void submit(ImageSubmitted request) {
        ImageSubmitted ofTenant = config.tenant()
                .map(tenant -> request.toBuilder().setTenant(tenant).build())
                .orElse(request);
        images.sendMessage(OutgoingEvents.event(ofTenant.getRequestId(), ofTenant, SOURCE))
                .await()
                .atMost(timeout());
    }

    public void submit(StyleRequested request) {
        styleRequests
                .sendMessage(OutgoingEvents.event(request.getRequestId(), request, SOURCE))
                .await()
                .atMost(timeout());
    }

    public void submit(InsightRequested request) {
        insightRequests
                .sendMessage(OutgoingEvents.event(request.getRequestId(), request, SOURCE))
                .await()
                .atMost(timeout());
    }

    private Duration timeout() {
        return config.requestTimeout();
    }
}
