package dev.likeness.embedding;

import java.util.Locale;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import dev.likeness.core.image.ImageLimits;
import dev.likeness.core.image.TensorEncoding;
import dev.likeness.face.FacePipeline;
import dev.likeness.face.FacePipelineConfig;
import dev.likeness.face.ModelSpec;
import dev.likeness.face.PipelineStage;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.Startup;

/** Opens the three networks once per process, at startup, so readiness means "models loaded and warm". */
@ApplicationScoped
public class FacePipelineProducer {

    @Produces
    @Singleton
    @Startup
    FacePipeline pipeline(EmbeddingConfig config, MeterRegistry registry) {
        FacePipelineConfig pipelineConfig = new FacePipelineConfig(
                spec(config, config.detector()),
                spec(config, config.landmarker()),
                spec(config, config.embedder()),
                config.scoreThreshold(),
                config.nmsIou(),
                config.maxFaces(),
                config.minFacePx(),
                config.maxBatch(),
                new ImageLimits(
                        config.limits().maxBytes(),
                        config.limits().maxPixels(),
                        config.limits().maxSide()),
                config.inference().toOptions().build());
        return FacePipeline.open(pipelineConfig, stageTimers(registry));
    }

    void close(@Disposes FacePipeline pipeline) {
        pipeline.close();
    }

    private static ModelSpec spec(EmbeddingConfig config, EmbeddingConfig.Model model) {
        TensorEncoding encoding =
                switch (model.channels().toLowerCase(Locale.ROOT)) {
                    case "rgb" -> TensorEncoding.rgb(model.mean(), model.std());
                    case "bgr" ->
                        TensorEncoding.bgr(
                                new float[] {model.mean(), model.mean(), model.mean()},
                                new float[] {model.std(), model.std(), model.std()});
                    case "grey", "gray" -> TensorEncoding.grey(model.mean(), model.std());
                    default ->
                        throw new IllegalArgumentException("channels of model " + model.id()
                                + " must be rgb, bgr or grey," + " not " + model.channels());
                };
        return new ModelSpec(
                config.modelsDir().resolve(model.path()),
                model.id(),
                model.version().orElse(""),
                model.inputWidth(),
                model.inputHeight(),
                encoding,
                model.outputs());
    }

    /** One latency histogram per stage, with the number of items (images or faces) as a counter. */
    private static PipelineStage.Listener stageTimers(MeterRegistry registry) {
        return (stage, items, nanos) -> {
            String name = stage.name().toLowerCase(Locale.ROOT);
            Timer.builder("likeness.embedding.stage")
                    .description("Time per pipeline stage call (one call covers a batch)")
                    .tag("stage", name)
                    .publishPercentileHistogram()
                    .register(registry)
                    .record(nanos, TimeUnit.NANOSECONDS);
            registry.counter("likeness.embedding.stage.items", "stage", name).increment(items);
        };
    }
}
