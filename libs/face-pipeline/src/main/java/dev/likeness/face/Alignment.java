package dev.likeness.face;

import java.util.Locale;

/** How a recognition network's input is cut from the image: the recipe its training data was aligned with. */
public enum Alignment {

    /** InsightFace: 5-point similarity onto the ArcFace 112 x 112 template (scaled to the input size). */
    ARCFACE {
        @Override
        public double[] imageToInput(float[] landmarks68, float[] landmarks5, int width, int height) {
            return SimilarityTransform.estimate(landmarks5, FaceLandmarks.templateFor(width, height))
                    .forward();
        }
    },

    /** dlib's face chip: the 68-point fit to its mean face with padding 0.25 ({@link DlibFaceChip}); square inputs. */
    DLIB_CHIP {
        @Override
        public double[] imageToInput(float[] landmarks68, float[] landmarks5, int width, int height) {
            if (width != height) {
                throw new IllegalArgumentException("dlib's chips are square, the input is " + width + "x" + height);
            }
            return DlibFaceChip.imageToChip(landmarks68, width, DlibFaceChip.PADDING);
        }
    };

    /** The row-major 2x3 matrix from image pixels to input pixels, given landmarks in the image's pixels. */
    public abstract double[] imageToInput(float[] landmarks68, float[] landmarks5, int width, int height);

    /** {@code arcface} or {@code dlib-chip}, as configuration names them. */
    public static Alignment named(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "arcface" -> ARCFACE;
            case "dlib-chip" -> DLIB_CHIP;
            default -> throw new IllegalArgumentException("alignment must be arcface or dlib-chip, not " + name);
        };
    }
}
