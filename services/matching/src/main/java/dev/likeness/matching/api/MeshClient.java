package dev.likeness.matching.api;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.likeness.core.events.Requests;
import dev.likeness.events.v1.ImageSubmitted;
import dev.likeness.events.v1.MatchResult;
import dev.likeness.events.v1.Purpose;
import dev.likeness.matching.LivenessPolicy;
import dev.likeness.matching.MatchingConfig;
import dev.likeness.matching.TopicNames;
import dev.likeness.matching.in.MatchReplies;
import dev.likeness.matching.out.ImageRequestPublisher;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import io.smallrye.common.annotation.Identifier;

/**
 * Request-reply through the mesh for the API's image uploads: publishes an ImageSubmitted like any client,
 * the embedding service turns it into a FacesEmbedded, some matching replica answers it on the matches
 * topic, and this replica hands that MatchResult back to the HTTP caller.
 */
@Startup
@ApplicationScoped
public class MeshClient {

    private final MatchReplies replies;
    private final ImageRequestPublisher publisher;
    private final Duration timeout;
    private final LivenessPolicy liveness;

    @Inject
    public MeshClient(
            TopicNames topics,
            MatchingConfig config,
            ImageRequestPublisher publisher,
            MeterRegistry registry,
            LivenessPolicy liveness,
            @Identifier("default-kafka-broker") Map<String, Object> kafkaConfig) {
        this.publisher = publisher;
        this.liveness = liveness;
        this.timeout = config.api().replyTimeout();
        this.replies = new MatchReplies(kafkaConfig, registry, topics.matches());
    }

    /** Submits the image with the purpose, for the tenant's gallery, and waits for its MatchResult. */
    public MatchResult submit(String tenant, byte[] image, String contentType, Purpose purpose) {
        if (image == null || image.length == 0) {
            throw new IllegalArgumentException("the request body must be an image (JPEG, PNG or WebP)");
        }
        String requestId = "api-" + UUID.randomUUID();
        ImageSubmitted request =
                Requests.imageSubmitted(requestId, Requests.inlineImage(image, contentType), purpose).toBuilder()
                        .setTenant(tenant)
                        .build();
        if (liveness.enabled() && !purpose.hasIdentify()) {
            // Enrol and verify are gated on liveness: ask the embedding service for the policy's analysis.
            request = request.toBuilder()
                    .setOptions(ImageSubmitted.Options.newBuilder().addAnalyses(liveness.analysis()))
                    .build();
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        CompletableFuture<MatchResult> reply = null;
        try {
            reply = replies.expect(requestId, timeout);
            publisher.submit(request, timeout);
            return reply.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new ApiProblem(
                    504,
                    "MESH_TIMEOUT",
                    "no result for request " + requestId + " within " + timeout
                            + " (is the embedding service running? an image it cannot read is dead-lettered there)");
        } catch (ExecutionException e) {
            throw new IllegalStateException("the result of request " + requestId + " is unreadable", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for request " + requestId, e);
        } finally {
            if (reply != null) {
                reply.cancel(false);
            }
        }
    }

    @PreDestroy
    void stop() {
        replies.close();
    }
}
