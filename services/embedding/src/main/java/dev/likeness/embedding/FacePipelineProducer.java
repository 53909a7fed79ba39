package dev.likeness.embedding;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import dev.likeness.core.image.ImageLimits;
import dev.likeness.core.image.TensorEncoding;
import dev.likeness.face.Alignment;
import dev.likeness.face.Analysis;
import dev.likeness.face.EmbeddingSpec;
import dev.likeness.face.FacePipeline;
import dev.likeness.face.FacePipelineConfig;
import dev.likeness.face.ModelSpec;
import dev.likeness.face.PipelineStage;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.Startup;

/** Opens the networks once per process, at startup, so readiness means "models loaded and warm". */
@ApplicationScoped
public class FacePipelineProducer {

    @Produces
    @Singleton
    @Startup
    FacePipeline pipeline(EmbeddingConfig config, MeterRegistry registry) {
        FacePipelineConfig pipelineConfig = new FacePipelineConfig(
                spec(config, config.detector(), id(config.detector(), "detector")),
                spec(config, config.landmarker(), id(config.landmarker(), "landmarker")),
                embedding(config),
                config.scoreThreshold(),
                config.nmsIou(),
                config.maxFaces(),
                config.minFacePx(),
                config.maxBatch(),
                config.batchesInFlight(),
                new ImageLimits(
                        config.limits().maxBytes(),
                        config.limits().maxPixels(),
                        config.limits().maxSide()),
                config.inference().toOptions().build(),
                analyses(config));
        return FacePipeline.open(pipelineConfig, stageTimers(registry));
    }

    /** The configured analyses' networks, where `make models` writes them. */
    private static Map<Analysis, Path> analyses(EmbeddingConfig config) {
        Map<Analysis, Path> files = new EnumMap<>(Analysis.class);
        for (String name : config.analyses()) {
            if (!name.equalsIgnoreCase("none")) {
                Analysis analysis = Analysis.named(name);
                files.put(analysis, analysis.defaultFile(config.modelsDir()));
            }
        }
        return files;
    }

    void close(@Disposes FacePipeline pipeline) {
        pipeline.close();
    }

    /** The configured model: one network alone, or the fusion of the networks its weights name (in id order). */
    private static EmbeddingSpec embedding(EmbeddingConfig config) {
        Map<String, EmbeddingConfig.Model> networks = new LinkedHashMap<>();
        networks.put(id(config.embedder(), "embedder"), config.embedder());
        config.networks().forEach(networks::putIfAbsent);
        EmbeddingConfig.Model alone = networks.get(config.model());
        if (alone != null) {
            return EmbeddingSpec.single(spec(config, alone, config.model()), Alignment.named(alone.alignment()));
        }
        EmbeddingConfig.Fusion fusion = config.fusion();
        if (!fusion.id().equals(config.model())) {
            throw new IllegalArgumentException("likeness.embedding.model is " + config.model() + ", which is neither a"
                    + " network (" + String.join(", ", networks.keySet()) + ") nor the fusion " + fusion.id());
        }
        double total = fusion.weights().values().stream()
                .mapToDouble(Double::doubleValue)
                .sum();
        List<EmbeddingSpec.Network> parts = new ArrayList<>();
        for (Map.Entry<String, Double> weight : fusion.weights().entrySet()) {
            EmbeddingConfig.Model network = networks.get(weight.getKey());
            if (network == null) {
                throw new IllegalArgumentException("the fusion " + fusion.id() + " weighs " + weight.getKey()
                        + ", which is not a configured network (" + String.join(", ", networks.keySet()) + ")");
            }
            parts.add(new EmbeddingSpec.Network(
                    spec(config, network, weight.getKey()),
                    Alignment.named(network.alignment()),
                    weight.getValue() / total));
        }
        return new EmbeddingSpec(fusion.id(), fusion.version().orElse(""), parts);
    }

    private static ModelSpec spec(EmbeddingConfig config, EmbeddingConfig.Model model, String id) {
        TensorEncoding encoding =
                switch (model.channels().toLowerCase(Locale.ROOT)) {
                    case "rgb" -> TensorEncoding.rgb(perChannel(model.mean(), 3, id), perChannel(model.std(), 3, id));
                    case "bgr" -> TensorEncoding.bgr(perChannel(model.mean(), 3, id), perChannel(model.std(), 3, id));
                    case "grey", "gray" ->
                        TensorEncoding.grey(perChannel(model.mean(), 1, id)[0], perChannel(model.std(), 1, id)[0]);
                    default ->
                        throw new IllegalArgumentException(
                                "channels of model " + id + " must be rgb, bgr or grey," + " not " + model.channels());
                };
        return new ModelSpec(
                config.modelsDir().resolve(model.path()),
                id,
                model.version().orElse(""),
                model.inputWidth(),
                model.inputHeight(),
                encoding,
                model.outputs());
    }

    private static String id(EmbeddingConfig.Model model, String role) {
        return model.id()
                .orElseThrow(() -> new IllegalArgumentException("likeness.embedding." + role + ".id is not set"));
    }

    private static float[] perChannel(List<Float> values, int channels, String id) {
        if (values.size() != 1 && values.size() != channels) {
            throw new IllegalArgumentException(
                    "mean and std of model " + id + " take one value or " + channels + ", not " + values);
        }
        float[] expanded = new float[channels];
        for (int c = 0; c < channels; c++) {
            expanded[c] = values.get(values.size() == 1 ? 0 : c);
        }
        return expanded;
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
