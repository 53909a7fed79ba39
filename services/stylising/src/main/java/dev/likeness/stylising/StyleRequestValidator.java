package dev.likeness.stylising;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.likeness.core.events.RequestAttributes;
import dev.likeness.core.image.ImageDecoder;
import dev.likeness.core.image.ImageLimits;
import dev.likeness.core.image.ImageRejectedException;
import dev.likeness.core.io.ImageSourceReader;
import dev.likeness.core.kafka.RejectedInputException;
import dev.likeness.core.kafka.RequestIds;
import dev.likeness.events.v1.ImageSource;
import dev.likeness.events.v1.LayerWeight;
import dev.likeness.events.v1.OptimisationSettings;
import dev.likeness.events.v1.StyleRequested;
import dev.likeness.events.v1.WeightedStyle;
import dev.likeness.stylising.engine.ClipPainter;
import dev.likeness.stylising.engine.Clips;
import dev.likeness.stylising.engine.FastStyles;
import dev.likeness.stylising.engine.Gatys;
import dev.likeness.stylising.engine.Raster;
import dev.likeness.stylising.engine.Sound;
import dev.likeness.stylising.engine.SoundPainter;

/**
 * Turns a request into a {@link StyleJob}. Malformed or nonsensical requests (missing images, NaN or negative
 * weights, unknown layers or fast styles, absurd sizes) throw {@link RejectedInputException} and are
 * dead-lettered; well-formed requests beyond this service's limits throw {@link LimitExceededException} and get
 * an error result.
 */
@ApplicationScoped
public class StyleRequestValidator {

    /** Sizes and counts beyond these are not a configuration matter but a broken client. */
    static final int ABSURD_SIDE = 65_536;

    static final int ABSURD_ITERATIONS = 1_000_000;
    /** The smallest side a picture is painted at, output and content alike. */
    static final int MIN_SIDE = 16;

    /** A well-formed request asking for more than this service allows: answered with an error result. */
    public static final class LimitExceededException extends RuntimeException {
        public LimitExceededException(String message) {
            super(message);
        }
    }

    @Inject
    StylisingConfig config;

    @Inject
    Gatys gatys;

    @Inject
    FastStyles fastStyles;

    private ImageSourceReader reader;
    private ImageDecoder decoder;

    private synchronized void init() {
        if (reader == null) {
            reader = new ImageSourceReader(
                    config.allowedImageRoots().orElse(List.of()),
                    config.limits().maxInputBytes());
            decoder = new ImageDecoder(new ImageLimits(
                    config.limits().maxInputBytes(),
                    config.limits().maxInputPixels(),
                    config.limits().maxInputSide()));
        }
    }

    public StyleJob validate(StyleRequested request) {
        init();
        RequestIds.require(request.getRequestId());
        RequestAttributes.requireWithinLimit(request.getAttributesMap());
        if (!request.hasContent()) {
            throw new RejectedInputException("MISSING_IMAGE", "content image is required");
        }
        int side = request.getOutputMaxSide();
        if (side < 0 || side > ABSURD_SIDE) {
            throw new RejectedInputException("INVALID_SIZE", "output_max_side " + side + " is not a usable size");
        }
        if (side == 0) {
            side = config.defaults().outputMaxSide();
        }
        if (side > config.limits().maxOutputSide()) {
            throw new LimitExceededException("output_max_side " + side + " exceeds this service's limit of "
                    + config.limits().maxOutputSide() + " px");
        }
        if (side < MIN_SIDE) {
            throw new RejectedInputException(
                    "INVALID_SIZE", "output_max_side must be at least " + MIN_SIDE + " px, was " + side);
        }
        if (request.getProgressEvery() < 0) {
            throw new RejectedInputException("INVALID_FIELD", "progress_every must not be negative");
        }
        boolean jpeg = request.getOutputFormat() == StyleRequested.OutputFormat.JPEG;
        return switch (request.getEngine()) {
            case FAST -> fast(request, side, jpeg);
            case OPTIMISATION, ENGINE_UNSPECIFIED -> optimisation(request, side, jpeg);
            default -> throw new RejectedInputException("INVALID_FIELD", "unknown engine " + request.getEngineValue());
        };
    }

    private StyleJob fast(StyleRequested request, int side, boolean jpeg) {
        String name = request.getFastStyle();
        if (name.isBlank()) {
            throw new RejectedInputException(
                    "MISSING_FIELD", "fast_style is required with engine FAST; available: " + fastStyles.names());
        }
        if (!fastStyles.exists(name)) {
            throw new RejectedInputException(
                    "UNKNOWN_STYLE", "no fast style named '" + name + "'; available: " + fastStyles.names());
        }
        byte[] bytes = reader.read(request.getContent());
        if (Clips.isClip(bytes)) {
            throw new RejectedInputException(
                    "INVALID_FIELD",
                    "clips (animated GIF or WebP content) are painted by the OPTIMISATION engine only");
        }
        Raster content = content(bytes, side);
        return new StyleJob(request, content, List.of(), new float[0], null, name, jpeg, null, null);
    }

    private StyleJob optimisation(StyleRequested request, int side, boolean jpeg) {
        if (request.getStylesCount() == 0) {
            throw new RejectedInputException("MISSING_IMAGE", "at least one style image is required");
        }
        if (request.getStylesCount() > config.limits().maxStyles()) {
            throw new LimitExceededException(request.getStylesCount() + " style images exceed this service's limit of "
                    + config.limits().maxStyles());
        }
        float[] weights = new float[request.getStylesCount()];
        double total = 0;
        for (int i = 0; i < weights.length; i++) {
            WeightedStyle style = request.getStyles(i);
            weights[i] = style.hasWeight() ? nonNegative(style.getWeight(), "styles[" + i + "].weight") : 1f;
            total += weights[i];
        }
        if (total <= 0) {
            throw new RejectedInputException("INVALID_WEIGHT", "the style weights sum to zero");
        }
        Gatys.Settings settings = settings(request.getOptimisation(), request.getProgressEvery());
        byte[] bytes = reader.read(request.getContent());
        if (Sound.isWav(bytes)) {
            return sound(request, bytes, settings);
        }
        StyleJob.Clip clip = Clips.isClip(bytes) ? clip(bytes, side, request) : null;
        Raster content = clip != null ? clip.frames().get(0) : content(bytes, side);
        if (clip != null && (settings.preserveColour() || settings.scales() > 1)) {
            throw new RejectedInputException(
                    "INVALID_FIELD",
                    "clips are painted at one scale and in full colour: unset scales and preserve_colour");
        }
        List<Raster> styles = new ArrayList<>();
        for (WeightedStyle style : request.getStylesList()) {
            BufferedImage image = decode(style.getImage());
            int[] size = fit(image.getWidth(), image.getHeight(), Math.max(content.width(), content.height()), true);
            styles.add(Raster.of(image, size[0], size[1]));
        }
        return new StyleJob(request, content, styles, weights, settings, null, jpeg, clip, null);
    }

    Gatys.Settings settings(OptimisationSettings o, int progressEvery) {
        StylisingConfig.Defaults d = config.defaults();
        float alpha = o.hasAlpha() ? nonNegative(o.getAlpha(), "alpha") : d.alpha();
        float beta = o.hasBeta() ? nonNegative(o.getBeta(), "beta") : d.beta();
        float gamma = o.hasGammaTv() ? nonNegative(o.getGammaTv(), "gamma_tv") : d.gammaTv();
        if (!o.getContentLayer().isEmpty() && !o.getContentLayer().equals(gatys.contentLayer())) {
            throw new RejectedInputException(
                    "UNKNOWN_LAYER",
                    "content_layer '" + o.getContentLayer()
                            + "' is not served by this extractor; it compares content at " + gatys.contentLayer());
        }
        Map<String, Float> lambdas = new LinkedHashMap<>();
        if (o.getStyleLayersCount() > 0) {
            for (String layer : gatys.styleLayers()) {
                lambdas.put(layer, 0f); // layers not listed do not count
            }
            for (LayerWeight layer : o.getStyleLayersList()) {
                if (!gatys.styleLayers().contains(layer.getLayer())) {
                    throw new RejectedInputException(
                            "UNKNOWN_LAYER",
                            "style layer '" + layer.getLayer()
                                    + "' is not served by this extractor; its style layers are " + gatys.styleLayers());
                }
                lambdas.put(layer.getLayer(), nonNegative(layer.getWeight(), "lambda of " + layer.getLayer()));
            }
        }
        int iterations = o.hasIterations() ? o.getIterations() : d.iterations();
        if (iterations <= 0 || iterations > ABSURD_ITERATIONS) {
            throw new RejectedInputException("INVALID_FIELD", "iterations " + iterations + " is not a usable count");
        }
        if (iterations > config.limits().maxIterations()) {
            throw new LimitExceededException(iterations + " iterations exceed this service's limit of "
                    + config.limits().maxIterations());
        }
        Gatys.Method method =
                switch (o.getOptimiser()) {
                    case ADAM -> Gatys.Method.ADAM;
                    case LBFGS -> Gatys.Method.LBFGS;
                    case OPTIMISER_UNSPECIFIED ->
                        Gatys.Method.valueOf(d.optimiser().toUpperCase(Locale.ROOT));
                    default ->
                        throw new RejectedInputException("INVALID_FIELD", "unknown optimiser " + o.getOptimiserValue());
                };
        double rate = method == Gatys.Method.ADAM ? d.adamLearningRate() : d.lbfgsLearningRate();
        if (o.hasLearningRate()) {
            rate = o.getLearningRate();
            if (!Float.isFinite(o.getLearningRate()) || o.getLearningRate() <= 0) {
                throw new RejectedInputException("INVALID_FIELD", "learning_rate must be a positive number");
            }
        }
        Gatys.Init init =
                switch (o.getInit()) {
                    case NOISE -> Gatys.Init.NOISE;
                    case CONTENT, INIT_UNSPECIFIED -> Gatys.Init.CONTENT;
                    default -> throw new RejectedInputException("INVALID_FIELD", "unknown init " + o.getInitValue());
                };
        if (o.getScales() < 0) {
            throw new RejectedInputException("INVALID_FIELD", "scales must not be negative");
        }
        if (o.getScales() > config.limits().maxScales()) {
            throw new LimitExceededException(o.getScales() + " scales exceed this service's limit of "
                    + config.limits().maxScales());
        }
        int every = progressEvery > 0 ? progressEvery : d.progressEvery();
        return new Gatys.Settings(
                alpha,
                beta,
                gamma,
                lambdas,
                iterations,
                method,
                rate,
                init,
                o.hasSeed() ? o.getSeed() : 0L,
                o.getPreserveColour(),
                Math.max(1, o.getScales()),
                every);
    }

    /**
     * A WAV content and its one WAV style, both read whole and checked against the duration and sample-rate
     * limits (error results); encodings other than PCM, or a style that is not a WAV, are dead letters.
     */
    private StyleJob sound(StyleRequested request, byte[] bytes, Gatys.Settings image) {
        if (request.getStylesCount() != 1) {
            throw new RejectedInputException(
                    "INVALID_FIELD",
                    "a sound is painted in the texture of exactly one style sound, not " + request.getStylesCount());
        }
        if (request.getOutputFormat() != StyleRequested.OutputFormat.OUTPUT_FORMAT_UNSPECIFIED) {
            throw new RejectedInputException("INVALID_FIELD", "a sound is returned as WAV: unset output_format");
        }
        Sound content = wav(bytes, "content");
        Sound style = wav(reader.read(request.getStyles(0).getImage()), "style");
        if (style.sampleRate() != content.sampleRate()) {
            throw new RejectedInputException(
                    "INVALID_FIELD",
                    "the style sound's sample rate " + style.sampleRate() + " Hz differs from the content's "
                            + content.sampleRate() + " Hz; resample one of them");
        }
        OptimisationSettings o = request.getOptimisation();
        StylisingConfig.Sound defaults = config.sound();
        SoundPainter.Settings settings = new SoundPainter.Settings(
                o.hasAlpha() ? image.alpha() : defaults.alpha(),
                o.hasBeta() ? image.beta() : defaults.beta(),
                image.iterations(),
                image.method(),
                image.learningRate(),
                image.progressEvery(),
                defaults.griffinLimIterations(),
                image.seed());
        return new StyleJob(
                request,
                null,
                List.of(),
                new float[] {1},
                image,
                null,
                false,
                null,
                new StyleJob.SoundJob(content, style, settings));
    }

    private Sound wav(byte[] bytes, String which) {
        if (!Sound.isWav(bytes)) {
            throw new RejectedInputException(
                    "SOUND_UNSUPPORTED", "the " + which + " is not a WAV file; a sound's style must be a WAV too");
        }
        Sound sound;
        try {
            sound = Sound.readWav(bytes);
        } catch (Sound.UnsupportedSoundException e) {
            throw new RejectedInputException("SOUND_UNSUPPORTED", "the " + which + ": " + e.getMessage());
        }
        StylisingConfig.Limits limits = config.limits();
        if (sound.sampleRate() > limits.maxSampleRate()) {
            throw new LimitExceededException("the " + which + "'s sample rate " + sound.sampleRate()
                    + " Hz is over this service's limit of " + limits.maxSampleRate() + " Hz");
        }
        if (sound.seconds() > limits.maxSoundSeconds()) {
            throw new LimitExceededException(String.format(
                    Locale.ROOT,
                    "the %s lasts %.1f s, over this service's limit of %.1f s",
                    which,
                    sound.seconds(),
                    limits.maxSoundSeconds()));
        }
        return sound;
    }

    /**
     * A clip's frames (animated GIF or WebP) at the output size. Over the frame or frames x pixels limits: an
     * error result; a truncated or corrupt file: a dead letter.
     */
    private StyleJob.Clip clip(byte[] bytes, int side, StyleRequested request) {
        OptimisationSettings o = request.getOptimisation();
        if (request.getOutputFormat() != StyleRequested.OutputFormat.OUTPUT_FORMAT_UNSPECIFIED
                && request.getOutputFormat() != StyleRequested.OutputFormat.GIF) {
            throw new RejectedInputException(
                    "INVALID_FIELD", "a clip is returned as an animated GIF: unset output_format or ask for GIF");
        }
        StylisingConfig.Limits limits = config.limits();
        Clips.Clip decoded;
        int[] size;
        try {
            // Every frame is decoded as a full canvas: the limits are checked on the headers, before decoding.
            Clips.Shape shape = Clips.shape(bytes);
            if (shape.frames() > limits.maxClipFrames()) {
                throw new LimitExceededException("the clip has " + shape.frames()
                        + " frames, over this service's limit of " + limits.maxClipFrames());
            }
            size = fit(shape.width(), shape.height(), side, false);
            if (Math.min(size[0], size[1]) < MIN_SIDE) {
                throw new RejectedInputException(
                        "INVALID_SIZE",
                        "the clip's frames are " + shape.width() + "x" + shape.height() + " px: painted at " + size[0]
                                + "x" + size[1] + " px, their short side would be under " + MIN_SIDE + " px");
            }
            long pixels = (long) shape.frames() * size[0] * size[1];
            if (pixels > limits.maxClipPixels()) {
                throw new LimitExceededException("the clip is " + shape.frames() + " frames of " + size[0] + "x"
                        + size[1] + " px = " + pixels + " pixels, over this service's limit of "
                        + limits.maxClipPixels() + " (fewer frames or a smaller output_max_side)");
            }
            decoded = Clips.read(bytes, limits.maxClipFrames(), limits.maxInputPixels());
        } catch (ImageRejectedException e) {
            throw RejectedInputException.of(e);
        }
        List<Raster> frames = new ArrayList<>();
        for (BufferedImage frame : decoded.frames()) {
            frames.add(Raster.of(frame, size[0], size[1]));
        }
        double temporalWeight = o.hasTemporalWeight()
                ? nonNegative(o.getTemporalWeight(), "temporal_weight")
                : config.defaults().temporalWeight();
        ClipPainter.Method method =
                switch (o.getClipMethod()) {
                    case VOLUME, CLIP_METHOD_UNSPECIFIED -> ClipPainter.Method.VOLUME;
                    case PER_FRAME -> ClipPainter.Method.PER_FRAME;
                    default ->
                        throw new RejectedInputException(
                                "INVALID_FIELD", "unknown clip_method " + o.getClipMethodValue());
                };
        return new StyleJob.Clip(frames, decoded.delayMs(), temporalWeight, method);
    }

    private Raster content(byte[] bytes, int side) {
        BufferedImage image = decode(bytes);
        int[] size = fit(image.getWidth(), image.getHeight(), side, false);
        if (Math.min(size[0], size[1]) < MIN_SIDE) {
            // A strip (or a tiny picture) has nothing for the networks' 16-px strides to work on.
            throw new RejectedInputException(
                    "INVALID_SIZE",
                    "the content image is " + image.getWidth() + "x"
                            + image.getHeight() + " px: painted at " + size[0] + "x" + size[1]
                            + " px, its short side would be"
                            + " under " + MIN_SIDE + " px");
        }
        return Raster.of(image, size[0], size[1]);
    }

    /** Scales (width, height) so the longest side is {@code side}; never up unless {@code upscale}. */
    static int[] fit(int width, int height, int side, boolean upscale) {
        int longest = Math.max(width, height);
        if (longest <= side && !upscale) {
            return new int[] {width, height};
        }
        double scale = (double) side / longest;
        return new int[] {Math.max(1, (int) Math.round(width * scale)), Math.max(1, (int) Math.round(height * scale))};
    }

    private BufferedImage decode(ImageSource source) {
        return decode(reader.read(source));
    }

    private BufferedImage decode(byte[] bytes) {
        try {
            return decoder.decode(bytes).image();
        } catch (ImageRejectedException e) {
            throw RejectedInputException.of(e);
        }
    }

    private static float nonNegative(float value, String name) {
        if (!Float.isFinite(value) || value < 0) {
            throw new RejectedInputException("INVALID_WEIGHT", name + " must be a finite number >= 0, was " + value);
        }
        return value;
    }
}
