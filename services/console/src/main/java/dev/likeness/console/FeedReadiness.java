package dev.likeness.console;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import dev.likeness.console.in.TopicFeed;
import dev.likeness.console.view.LiveView;

/** DOWN until the console has read the whole gallery and the recent records (as they stood at startup), and if it stops reading. */
@Readiness
@ApplicationScoped
public class FeedReadiness implements HealthCheck {

    @Inject
    TopicFeed feed;

    @Inject
    LiveView view;

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response =
                HealthCheckResponse.named("topic-feed").withData("topics", String.join(",", feed.topics()));
        if (feed.failure() != null) {
            return response.down()
                    .withData("error", String.valueOf(feed.failure()))
                    .build();
        }
        if (!feed.caughtUp()) {
            return response.down().withData("state", "reading the gallery").build();
        }
        return response.up()
                .withData("state", "following live")
                .withData("identities", view.identities())
                .build();
    }
}
