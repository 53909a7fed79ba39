package dev.likeness.embedding;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import dev.likeness.core.onnx.OnnxModel;
import dev.likeness.face.FacePipeline;

/** Ready once the networks are loaded and warmed up; reports the provider in use and any CPU fallback. */
@Readiness
@ApplicationScoped
public class ModelsReadiness implements HealthCheck {

    @Inject
    FacePipeline pipeline;

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("face models")
                .up()
                .withData(
                        "embedding-model",
                        pipeline.embeddingModel().id() + "@"
                                + pipeline.embeddingModel().version())
                .withData("embedding-dimension", pipeline.embeddingDimension());
        for (OnnxModel model : pipeline.models()) {
            String name = model.path().getFileName().toString();
            response.withData(name, model.provider().name());
            if (model.fellBackToCpu()) {
                response.withData(
                        name + "-cuda-fallback", model.fallbackReason().orElse(""));
            }
        }
        return response.build();
    }
}
