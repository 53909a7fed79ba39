package dev.likeness.matching;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Liveness;

import dev.likeness.matching.in.GalleryFollower;

/**
 * DOWN once the gallery follower has stopped on an error (the broker unreachable at startup, a lost authorisation): it
 * does not resume, and the replica would go on answering from the gallery as it stood then, a deleted identity
 * still recognised. Kubernetes then restarts the pod, which reads the gallery again. Catching up is readiness's
 * matter ({@link GalleryReadiness}), not liveness's.
 */
@Liveness
@ApplicationScoped
public class GalleryLiveness implements HealthCheck {

    @Inject
    GalleryService gallery;

    @Override
    public HealthCheckResponse call() {
        return of(gallery.follower());
    }

    static HealthCheckResponse of(GalleryFollower follower) {
        HealthCheckResponseBuilder response =
                HealthCheckResponse.named("gallery-follower").withData("topic", follower.topic());
        Throwable failure = follower.failure();
        return failure == null
                ? response.up().build()
                : response.down().withData("error", String.valueOf(failure)).build();
    }
}
