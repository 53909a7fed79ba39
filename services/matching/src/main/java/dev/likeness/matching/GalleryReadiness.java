package dev.likeness.matching;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import dev.likeness.matching.gallery.Gallery;
import dev.likeness.matching.in.GalleryFollower;

/** DOWN until this replica has materialised the whole gallery (as it stood at startup), and if the follower stops. */
@Readiness
@ApplicationScoped
public class GalleryReadiness implements HealthCheck {

    @Inject
    GalleryService gallery;

    @Override
    public HealthCheckResponse call() {
        GalleryFollower follower = gallery.follower();
        GalleryFollower.Progress progress = follower.progress();
        HealthCheckResponseBuilder response = HealthCheckResponse.named("gallery")
                .withData("topic", follower.topic())
                .withData("recordsApplied", progress.recordsApplied())
                .withData("recordsSkipped", progress.recordsSkipped());
        if (follower.failure() != null) {
            return response.down()
                    .withData("error", String.valueOf(follower.failure()))
                    .build();
        }
        if (!progress.caughtUp()) {
            return response.down()
                    .withData(
                            "state",
                            progress.recordsBehind() < 0
                                    ? "connecting"
                                    : "catching up: " + progress.recordsBehind() + " records to go")
                    .build();
        }
        Gallery.Stats stats = gallery.galleries().stats();
        return response.up()
                .withData("state", "caught up, following live")
                .withData("tenants", gallery.galleries().tenants().size())
                .withData("identities", stats.identities())
                .withData("embeddings", stats.embeddings())
                .withData("approximateIndex", stats.approximate())
                .build();
    }
}
