package dev.likeness.stylising;

import java.io.IOException;
import java.nio.file.Files;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import dev.likeness.core.onnx.InferenceOptions;
import dev.likeness.core.onnx.OnnxModel;
import dev.likeness.stylising.engine.FastStyles;
import dev.likeness.stylising.engine.Gatys;
import dev.likeness.stylising.engine.SoundPainter;
import io.quarkus.runtime.Startup;

/** Opens the optimisation engine's two graphs at startup (readiness = loaded and warm) and the fast-style folder. */
@ApplicationScoped
public class StyleEngines {

    static InferenceOptions options(StylisingConfig config, int warmUpRuns) {
        return config.inference()
                .toOptions()
                .warmUpRuns(warmUpRuns)
                .warmUpShape(Gatys.IMAGE, 1, 3, 64, 64)
                .build();
    }

    @Produces
    @Singleton
    @Startup
    Gatys gatys(StylisingConfig config) {
        OnnxModel targets = OnnxModel.open(
                config.modelsDir().resolve(config.targetsModel()),
                options(config, config.inference().warmUpRuns()));
        InferenceOptions gradientOptions = options(config, 0);
        OnnxModel gradient;
        try {
            gradient = OnnxModel.open(config.modelsDir().resolve(config.gradientModel()), gradientOptions);
        } catch (RuntimeException e) {
            targets.close();
            throw e;
        }
        return new Gatys(targets, gradient);
    }

    void close(@Disposes Gatys gatys) {
        gatys.close();
    }

    /**
     * The sound painter's random-filter network: its style graphs are generated into a temporary folder when
     * first needed (milliseconds; the filters come from a fixed seed, so every replica has the same network).
     */
    @Produces
    @Singleton
    SoundPainter soundPainter(StylisingConfig config) throws IOException {
        StylisingConfig.Sound sound = config.sound();
        return new SoundPainter(
                sound.window(),
                sound.filters(),
                sound.filterSeed(),
                Files.createTempDirectory("likeness-sound-graphs"),
                options(config, 0));
    }

    void close(@Disposes SoundPainter painter) {
        painter.close();
    }

    @Produces
    @Singleton
    FastStyles fastStyles(StylisingConfig config) {
        return new FastStyles(
                config.modelsDir().resolve(config.fastStylesDir()),
                options(config, 0),
                config.tileSize(),
                config.tileOverlap());
    }

    void close(@Disposes FastStyles styles) {
        styles.close();
    }
}
