package dev.likeness.core.events;

import java.time.Instant;
import java.util.List;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import dev.likeness.events.v1.FaceChoice;
import dev.likeness.events.v1.ImageSource;
import dev.likeness.events.v1.ImageSubmitted;
import dev.likeness.events.v1.OptimisationSettings;
import dev.likeness.events.v1.Point;
import dev.likeness.events.v1.Purpose;
import dev.likeness.events.v1.StyleRequested;
import dev.likeness.events.v1.WeightedStyle;

/**
 * The requests a producer publishes (the CLI, the console, the matching REST API): one way to build them,
 * images inline.
 */
public final class Requests {

    private Requests() {}

    public static Timestamp timestamp(Instant instant) {
        return Timestamp.newBuilder()
                .setSeconds(instant.getEpochSecond())
                .setNanos(instant.getNano())
                .build();
    }

    /** @param contentType the MIME type, or null/empty when unknown (the services sniff the bytes anyway) */
    public static ImageSource inlineImage(byte[] bytes, String contentType) {
        ImageSource.Builder image = ImageSource.newBuilder().setInline(ByteString.copyFrom(bytes));
        if (contentType != null && !contentType.isEmpty()) {
            image.setContentType(contentType);
        }
        return image.build();
    }

    /** An ImageSubmitted submitted now. */
    public static ImageSubmitted imageSubmitted(String requestId, ImageSource image, Purpose purpose) {
        return ImageSubmitted.newBuilder()
                .setRequestId(requestId)
                .setSubmittedAt(timestamp(Instant.now()))
                .setImage(image)
                .setPurpose(purpose)
                .build();
    }

    /**
     * The face a person names (CLI {@code --face N} / {@code --face-at X,Y}, REST {@code face} / {@code faceAt}):
     * by index, or by a point {@code "X,Y"} inside its box, in pixels of the upright image; null when neither is
     * given, so the image's subject is meant.
     *
     * @throws IllegalArgumentException both given, a negative index, or a point that is not two finite numbers
     */
    public static FaceChoice faceChoice(Integer index, String point) {
        if (index != null && point != null) {
            throw new IllegalArgumentException("name the face by index or by a point, not both");
        }
        if (index != null) {
            if (index < 0) {
                throw new IllegalArgumentException("a face index is 0 or more, not " + index);
            }
            return FaceChoice.newBuilder().setIndex(index).build();
        }
        if (point == null) {
            return null;
        }
        String[] xy = point.split(",", -1);
        try {
            if (xy.length == 2) {
                float x = Float.parseFloat(xy[0].strip());
                float y = Float.parseFloat(xy[1].strip());
                if (Float.isFinite(x) && Float.isFinite(y)) {
                    return FaceChoice.newBuilder()
                            .setPoint(Point.newBuilder().setX(x).setY(y))
                            .build();
                }
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("a face point is X,Y in pixels (e.g. 320,240), not '" + point + "'");
    }

    /** A StyleRequested for the optimisation engine, submitted now; unset options take the service defaults. */
    public static StyleRequested styleRequested(
            String requestId, ImageSource content, List<ImageSource> styles, StyleOptions options) {
        StyleRequested.Builder request = StyleRequested.newBuilder()
                .setRequestId(requestId)
                .setSubmittedAt(timestamp(Instant.now()))
                .setContent(content)
                .setEngine(StyleRequested.Engine.OPTIMISATION);
        styles.forEach(style -> request.addStyles(WeightedStyle.newBuilder().setImage(style)));
        OptimisationSettings.Builder settings = OptimisationSettings.newBuilder();
        if (options.iterations() != null) {
            settings.setIterations(options.iterations());
        }
        if (options.contentWeight() != null) {
            settings.setAlpha(options.contentWeight());
        }
        if (options.styleWeight() != null) {
            settings.setBeta(options.styleWeight());
        }
        if (options.smoothnessWeight() != null) {
            settings.setGammaTv(options.smoothnessWeight());
        }
        if (options.seed() != null) {
            settings.setSeed(options.seed());
        }
        if (options.preserveColour()) {
            settings.setPreserveColour(true);
        }
        if (options.outputMaxSide() != null) {
            request.setOutputMaxSide(options.outputMaxSide());
        }
        if (options.progressEvery() != null) {
            request.setProgressEvery(options.progressEvery());
        }
        return request.setOptimisation(settings).build();
    }

    /**
     * The style options a person usually sets; null means the service default (docs/stylising.md).
     *
     * @param contentWeight alpha
     * @param styleWeight beta
     * @param smoothnessWeight gamma (total variation)
     */
    public record StyleOptions(
            Integer outputMaxSide,
            Integer iterations,
            Float contentWeight,
            Float styleWeight,
            Float smoothnessWeight,
            Long seed,
            boolean preserveColour,
            Integer progressEvery) {

        public static final StyleOptions DEFAULTS = new StyleOptions(null, null, null, null, null, null, false, null);
    }
}
