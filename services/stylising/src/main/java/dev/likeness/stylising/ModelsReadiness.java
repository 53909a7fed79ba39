package dev.likeness.stylising;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import dev.likeness.stylising.engine.FastStyles;
import dev.likeness.stylising.engine.Gatys;

/** Ready once the optimisation graphs are loaded; reports the provider, the fast styles and the job load. */
@Readiness
@ApplicationScoped
public class ModelsReadiness implements HealthCheck {

    @Inject
    Gatys gatys;

    @Inject
    FastStyles fastStyles;

    @Inject
    StyleJobs jobs;

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("style models")
                .up()
                .withData(
                        "gradient-model",
                        gatys.gradientModel().path().getFileName().toString())
                .withData("provider", gatys.gradientModel().provider().name())
                .withData("content-layer", gatys.contentLayer())
                .withData("style-layers", String.join(",", gatys.styleLayers()))
                .withData("fast-styles", String.join(",", fastStyles.names()))
                .withData("jobs-running", jobs.active())
                .withData("max-concurrent-jobs", jobs.concurrency())
                .build();
    }
}
