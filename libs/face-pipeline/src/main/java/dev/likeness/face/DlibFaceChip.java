package dev.likeness.face;

/**
 * dlib's face chip, as {@code get_face_chip_details(shape, size, padding)} and {@code extract_image_chip} cut it
 * (dlib/image_transforms/interpolation.h): the least-squares similarity from dlib's mean face (68-point layout,
 * padded by {@code padding} face widths on every side, scaled to the chip) onto the landmarks, fitted on the
 * points dlib uses (nose, eyes, mouth corners and upper lip: 27-54 and 60-64; not the jaw, brows or lower lip),
 * then dlib's sampling grid: the chip's first and last pixel centres land on the corners of the rectangle
 * {@code centered_drect(T(size/2, size/2), size * scale - 1)}, so a pixel step is {@code (size * scale - 1) /
 * (size - 1)} source pixels, about 0.7 % more than the fit's scale at 150 px.
 */
public final class DlibFaceChip {

    /** The padding dlib's face recognition network was trained with ({@code dnn_face_recognition_ex.cpp}). */
    public static final double PADDING = 0.25;

    /** dlib's mean face shape, points 17..67, in units of the face (0..1 between the jaw's outer points). */
    private static final double[] MEAN_X = {
        0.000213256, 0.0752622, 0.18113, 0.29077, 0.393397, 0.586856, 0.689483, 0.799124,
        0.904991, 0.98004, 0.490127, 0.490127, 0.490127, 0.490127, 0.36688, 0.426036,
        0.490127, 0.554217, 0.613373, 0.121737, 0.187122, 0.265825, 0.334606, 0.260918,
        0.182743, 0.645647, 0.714428, 0.793132, 0.858516, 0.79751, 0.719335, 0.254149,
        0.340985, 0.428858, 0.490127, 0.551395, 0.639268, 0.726104, 0.642159, 0.556721,
        0.490127, 0.423532, 0.338094, 0.290379, 0.428096, 0.490127, 0.552157, 0.689874,
        0.553364, 0.490127, 0.42689
    };

    private static final double[] MEAN_Y = {
        0.106454, 0.038915, 0.0187482, 0.0344891, 0.0773906, 0.0773906, 0.0344891, 0.0187482, 0.038915, 0.106454,
        0.203352, 0.307009, 0.409805, 0.515625, 0.587326, 0.609345, 0.628106, 0.609345, 0.587326, 0.216423, 0.178758,
        0.179852, 0.231733, 0.245099, 0.244077, 0.231733, 0.179852, 0.178758, 0.216423, 0.244077, 0.245099, 0.780233,
        0.745405, 0.727388, 0.742578, 0.727388, 0.745405, 0.780233, 0.864805, 0.902192, 0.909281, 0.902192, 0.864805,
        0.784792, 0.778746, 0.785343, 0.778746, 0.784792, 0.824182, 0.831803, 0.824182
    };

    private DlibFaceChip() {}

    /** Whether dlib fits the chip on 68-point landmark {@code point}. */
    public static boolean fitted(int point) {
        return point >= 27 && point <= 67 && !(point >= 55 && point <= 59) && !(point >= 65);
    }

    /** Where dlib's mean face puts landmark {@code point} (17..67) in a {@code size} px chip, x then y. */
    public static double[] meanPosition(int point, int size, double padding) {
        if (point < 17 || point > 67) {
            throw new IllegalArgumentException("dlib's mean face has points 17..67, not " + point);
        }
        return new double[] {
            (padding + MEAN_X[point - 17]) / (2 * padding + 1) * size,
            (padding + MEAN_Y[point - 17]) / (2 * padding + 1) * size
        };
    }

    /**
     * The row-major 2x3 matrix mapping image pixels to chip pixels for the 68 landmarks (x0,y0,...) given in the
     * same image's pixels, as {@link dev.likeness.core.image.ImageTensors#warpAffine} takes it.
     */
    public static double[] imageToChip(float[] landmarks68, int size, double padding) {
        int count = 0;
        for (int point = 0; point < 68; point++) {
            count += fitted(point) ? 1 : 0;
        }
        float[] chip = new float[2 * count];
        float[] image = new float[2 * count];
        int next = 0;
        for (int point = 0; point < 68; point++) {
            if (fitted(point)) {
                double[] mean = meanPosition(point, size, padding);
                chip[next] = (float) mean[0];
                chip[next + 1] = (float) mean[1];
                image[next] = landmarks68[2 * point];
                image[next + 1] = landmarks68[2 * point + 1];
                next += 2;
            }
        }
        // dlib fits chip -> image (find_similarity_transform(chip points, image points)), not the reverse.
        double[] fit = SimilarityTransform.estimate(chip, image).forward();
        double a = fit[0], b = fit[3];
        double scale = Math.hypot(a, b);
        double centreX = fit[0] * size / 2.0 + fit[1] * size / 2.0 + fit[2];
        double centreY = fit[3] * size / 2.0 + fit[4] * size / 2.0 + fit[5];
        double step = (size * scale - 1) / (size - 1) / scale;
        // chip pixel (u, v) -> image: step * [a -b; b a] (u - c, v - c) + centre, with c = (size - 1) / 2; inverted:
        double inverse = 1 / (step * scale * scale);
        double half = (size - 1) / 2.0;
        double m00 = a * inverse, m01 = b * inverse, m10 = -b * inverse, m11 = a * inverse;
        return new double[] {
            m00, m01, half - m00 * centreX - m01 * centreY, m10, m11, half - m10 * centreX - m11 * centreY
        };
    }
}
