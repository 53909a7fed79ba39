package dev.likeness.face;

import java.awt.geom.Rectangle2D;
import java.util.Locale;

/** How a recognition network's input is cut from the image: the recipe its training data was aligned with. */
public enum Alignment {

    /** InsightFace: 5-point similarity onto the ArcFace 112 x 112 template (scaled to the input size). */
    ARCFACE {
        @Override
        public double[] imageToInput(float[] landmarks68, float[] landmarks5, Rectangle2D box, int width, int height) {
            return SimilarityTransform.estimate(landmarks5, FaceLandmarks.templateFor(width, height))
                    .forward();
        }
    },

    /** dlib's face chip: the 68-point fit to its mean face with padding 0.25 ({@link DlibFaceChip}); square inputs. */
    DLIB_CHIP {
        @Override
        public double[] imageToInput(float[] landmarks68, float[] landmarks5, Rectangle2D box, int width, int height) {
            if (width != height) {
                throw new IllegalArgumentException("dlib's chips are square, the input is " + width + "x" + height);
            }
            return DlibFaceChip.imageToChip(landmarks68, width, DlibFaceChip.PADDING);
        }
    },

    /**
     * No alignment: the detector's box grown by {@value #BOX_MARGIN} of its size on every side, stretched to the
     * input (a plain resize, as face descriptors trained on detector crops such as HSE's faceres take them).
     */
    BOX_CROP {
        @Override
        public double[] imageToInput(float[] landmarks68, float[] landmarks5, Rectangle2D box, int width, int height) {
            double left = box.getX() - BOX_MARGIN * box.getWidth();
            double top = box.getY() - BOX_MARGIN * box.getHeight();
            double scaleX = width / (box.getWidth() * (1 + 2 * BOX_MARGIN));
            double scaleY = height / (box.getHeight() * (1 + 2 * BOX_MARGIN));
            return new double[] {scaleX, 0, -left * scaleX, 0, scaleY, -top * scaleY};
        }
    };

    /** {@link #BOX_CROP}'s margin as a share of the box's width and height. */
    static final double BOX_MARGIN = 0.1;

    /**
     * The row-major 2x3 matrix from image pixels to input pixels, given landmarks and the detector's box in the
     * image's pixels.
     */
    public abstract double[] imageToInput(
            float[] landmarks68, float[] landmarks5, Rectangle2D box, int width, int height);

    /** {@code arcface}, {@code dlib-chip} or {@code box-crop}, as configuration names them. */
    public static Alignment named(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "arcface" -> ARCFACE;
            case "dlib-chip" -> DLIB_CHIP;
            case "box-crop" -> BOX_CROP;
            default ->
                throw new IllegalArgumentException("alignment must be arcface, dlib-chip or box-crop, not " + name);
        };
    }
}
