package dev.likeness.stylising;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import dev.likeness.insight.Atlases;
import dev.likeness.servicekit.onnx.InferenceConfig;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The stylising service's configuration (`likeness.stylising.*`, env `LIKENESS_STYLISING_*`). */
@ConfigMapping(prefix = "likeness.stylising")
public interface StylisingConfig {

    /** Folder of the networks made by `make models`. */
    @WithDefault("models")
    Path modelsDir();

    /**
     * Optimisation engine: the targets graph (image -> content target, style Gram matrices), relative to
     * models-dir or absolute. Default: ResNet-50 with SWAG smoothing at T = 8; the plain Gram loss is
     * style/resnet50_style_targets.onnx, a user's extractor (e.g. VGG-19) any pair made by MakeStyleGraphs.
     */
    @WithDefault("style/resnet50_swag_style_targets.onnx")
    Path targetsModel();

    /** Optimisation engine: the loss + gradient graph made from the same extractor and loss. */
    @WithDefault("style/resnet50_swag_style_grad.onnx")
    Path gradientModel();

    /** Reported in ImageStylised.model for optimisation results (the version is the gradient graph's file name). */
    @WithDefault("resnet50-swag")
    String modelId();

    /** Fast engine: folder of feed-forward style networks (NAME.onnx), relative to models-dir or absolute. */
    @WithDefault("styles")
    Path fastStylesDir();

    /** Fast engine: pictures with a side above this are painted in tiles of this size. */
    @WithDefault("512")
    int tileSize();

    /** Fast engine: overlap of neighbouring tiles, blended linearly. */
    @WithDefault("32")
    int tileOverlap();

    Defaults defaults();

    Limits limits();

    Output output();

    /** ONNX Runtime settings (`likeness.stylising.inference.*`); warm-up runs apply to the targets graph. */
    InferenceConfig inference();

    /** How long to wait for the broker to take a batch's results. */
    @WithDefault("60s")
    Duration sendTimeout();

    /** Folders `file:` image URIs may point into; none = URIs refused. */
    Optional<List<Path>> allowedImageRoots();

    interface Defaults {
        @WithDefault("1")
        float alpha();

        /** For the default SWAG graph; the plain Gram graph (style/resnet50_style_*) wants about 0.3-1. */
        @WithDefault("5")
        float beta();

        @WithDefault("0.00001")
        float gammaTv();

        @WithDefault("300")
        int iterations();

        /** adam or lbfgs. */
        @WithDefault("lbfgs")
        String optimiser();

        @WithDefault("2")
        float adamLearningRate();

        @WithDefault("1")
        float lbfgsLearningRate();

        @WithDefault("512")
        int outputMaxSide();

        @WithDefault("10")
        int progressEvery();

        /** Longest side of the preview PNG in progress events; 0 = no previews. */
        @WithDefault("128")
        int previewMaxSide();

        /** Clips: weight delta of the temporal term (docs/stylising.md, "Clips"). */
        @WithDefault("0.01")
        float temporalWeight();
    }

    interface Limits {
        @WithDefault("1024")
        int maxOutputSide();

        @WithDefault("2000")
        int maxIterations();

        @WithDefault("4")
        int maxScales();

        @WithDefault("8")
        int maxStyles();

        /** Jobs painted at the same time; 0 = one per core. */
        @WithDefault("0")
        int maxConcurrentJobs();

        @WithDefault("16777216")
        long maxInputBytes();

        @WithDefault("40000000")
        long maxInputPixels();

        @WithDefault("16384")
        int maxInputSide();

        /** Seconds of a sound (content or style). */
        @WithDefault("30")
        double maxSoundSeconds();

        /** Sample rate of a sound, Hz. */
        @WithDefault("48000")
        int maxSampleRate();

        /** Frames of a clip. */
        @WithDefault("64")
        int maxClipFrames();

        /** Frames x output pixels of a clip. */
        @WithDefault("8000000")
        long maxClipPixels();
    }

    /** Unit atlases and activation maps of ResNet-50 (docs/insight.md, "The mesh"). */
    Insight insight();

    /** The atlas job's corpus and limits ({@link Atlases.Limits}, as embedding's) with their defaults, and more. */
    interface Insight extends Atlases.Limits {
        /** Folder whose subfolders atlas requests name as their corpus (e.g. `make corpus`'s corpus/). */
        @WithDefault("corpus")
        Path corpusRoot();

        /** Where atlases (atlases/NAME/) and activation maps (maps/REQUEST_ID/) are written. */
        @WithDefault("var/insight")
        Path resultsDir();

        /** A corpus with more photos is refused (CORPUS_OVER_LIMIT). */
        @WithDefault("2000")
        int maxCorpusPhotos();

        /** A corpus whose photos hold more bytes in all is refused (CORPUS_OVER_LIMIT). */
        @WithDefault("1000000000")
        long maxCorpusBytes();

        /** Atlas photos are scaled to this longer side unless the request says otherwise. */
        @WithDefault("224")
        int atlasLongSide();

        /** Activation maps: the photo's longer side unless the request says otherwise. */
        @WithDefault("320")
        int mapsLongSide();

        /** Longest longer side a request may ask for. */
        @WithDefault("1024")
        int maxLongSide();

        /** Activation maps: most channels per layer a request may ask for. */
        @WithDefault("64")
        int maxChannels();

        /** An atlas job saves its heaps and sends a progress event every this many photos. */
        @WithDefault("" + Atlases.CHECKPOINT_EVERY)
        int checkpointEvery();
    }

    /** Sound style transfer (docs/stylising.md, "Sound"). */
    Sound sound();

    interface Sound {
        /** STFT window in samples (a power of two); the spectrogram has window / 2 + 1 frequency bins. */
        @WithDefault("512")
        int window();

        /** Filters of the random layer. */
        @WithDefault("512")
        int filters();

        /** Seed of the random filters. */
        @WithDefault("7")
        long filterSeed();

        @WithDefault("1")
        float alpha();

        @WithDefault("1")
        float beta();

        @WithDefault("40")
        int griffinLimIterations();
    }

    interface Output {
        /** Results whose encoded picture is larger than this go to output-dir as a file: URI. */
        @WithDefault("1048576")
        long inlineLimitBytes();

        /** Where large results are written; unset = large results are an OUTPUT_TOO_LARGE error. */
        Optional<Path> dir();

        @WithDefault("0.92")
        float jpegQuality();
    }
}
