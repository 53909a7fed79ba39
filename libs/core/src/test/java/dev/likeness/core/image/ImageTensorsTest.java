package dev.likeness.core.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@Tag("models")
class ImageTensorsTest {

    private static final TensorEncoding FACE = TensorEncoding.rgb(127, 128);
    private static final TensorEncoding CAFFE =
            TensorEncoding.bgr(new float[] {103.939f, 116.779f, 123.68f}, new float[] {1, 1, 1});
    private static final TensorEncoding LANDMARK_GREY = TensorEncoding.grey(0, 256);

    static Stream<Arguments> imagesAndEncodings() {
        BufferedImage bgr = TestImages.pattern(97, 61, BufferedImage.TYPE_3BYTE_BGR);
        BufferedImage wideParent = TestImages.pattern(150, 90, BufferedImage.TYPE_3BYTE_BGR);
        return Stream.of(
                Arguments.of("3BYTE_BGR", bgr, FACE),
                Arguments.of("3BYTE_BGR as BGR", bgr, CAFFE),
                Arguments.of("3BYTE_BGR as grey", bgr, LANDMARK_GREY),
                Arguments.of("INT_RGB (converted once)", TestImages.pattern(97, 61, BufferedImage.TYPE_INT_RGB), FACE),
                Arguments.of(
                        "4BYTE_ABGR (converted once)",
                        TestImages.pattern(97, 61, BufferedImage.TYPE_4BYTE_ABGR),
                        CAFFE),
                Arguments.of("BYTE_GRAY", grey(TestImages.pattern(97, 61, BufferedImage.TYPE_3BYTE_BGR)), FACE),
                Arguments.of("sub-image (raster offset)", wideParent.getSubimage(31, 17, 97, 61), FACE),
                Arguments.of("R, G, B order (the JPEG reader's)", rgbOrdered(bgr), FACE),
                Arguments.of("R, G, B order as BGR", rgbOrdered(bgr), CAFFE));
    }

    private static BufferedImage rgbOrdered(BufferedImage image) {
        BufferedImage rgb = BgrImages.rgbOrdered(image.getWidth(), image.getHeight());
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                rgb.setRGB(x, y, image.getRGB(x, y));
            }
        }
        return rgb;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("imagesAndEncodings")
    void resizeOfARegionMatchesTheGetRgbReference(String description, BufferedImage image, TensorEncoding encoding) {
        Rectangle2D region = new Rectangle2D.Double(10.5, 7.25, 60, 41);
        FloatBuffer tensor = FloatBuffer.allocate(encoding.floatsPerImage(40, 30));

        ImageTensors.resize(image, region, 40, 30, encoding, tensor);

        assertThat(tensor.position()).isEqualTo(tensor.capacity());
        double scaleX = region.getWidth() / 40;
        double scaleY = region.getHeight() / 30;
        double[] targetToSource = {
            scaleX, 0, region.getX() + 0.5 * scaleX - 0.5, 0, scaleY, region.getY() + 0.5 * scaleY - 0.5
        };
        assertClose(tensor.array(), reference(image, targetToSource, 40, 30, encoding));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("imagesAndEncodings")
    void warpMatchesTheGetRgbReference(String description, BufferedImage image, TensorEncoding encoding) {
        // A similarity: scale 1.3, rotate 20 degrees, shift; like aligning a face onto the 112x112 template.
        double angle = Math.toRadians(20);
        double scale = 1.3;
        FloatBuffer tensor = FloatBuffer.allocate(encoding.floatsPerImage(112, 112));

        ImageTensors.warpAffine(image, similarity(scale, angle, 5, -12), 112, 112, encoding.withBorderValue(0), tensor);

        assertClose(tensor.array(), reference(image, inverseSimilarity(scale, angle, 5, -12), 112, 112, encoding));
    }

    static Stream<Arguments> photoCrops() throws ImageRejectedException {
        BufferedImage photo = new ImageDecoder()
                .decode(TestImages.sample("sample2.jpg"), DecodeOptions.subsampledBy(4))
                .image();
        int w = photo.getWidth(), h = photo.getHeight();
        BufferedImage view = photo.getSubimage(50, 40, 300, 200);
        return Stream.of(
                Arguments.of(
                        "whole photo to the detector's 320x240",
                        photo,
                        new Rectangle2D.Double(0, 0, w, h),
                        320,
                        240,
                        FACE),
                Arguments.of("same size (no interpolation)", photo, new Rectangle2D.Double(0, 0, w, h), w, h, FACE),
                Arguments.of(
                        "letterbox past every edge, BGR",
                        photo,
                        new Rectangle2D.Double(-40, -30, w + 80, h + 50),
                        161,
                        119,
                        CAFFE.withBorderValue(127)),
                Arguments.of(
                        "landmark crop over the corner, grey",
                        photo,
                        new Rectangle2D.Double(w - 50.5, h - 40.25, 90, 90),
                        64,
                        64,
                        LANDMARK_GREY),
                Arguments.of("upscaled small crop", photo, new Rectangle2D.Double(100.3, 80.7, 37, 41), 112, 112, FACE),
                Arguments.of("sub-image", view, new Rectangle2D.Double(-10, 20, 260, 200), 130, 100, CAFFE),
                Arguments.of("grey photo", grey(photo), new Rectangle2D.Double(10, 10, w - 20, h - 20), 96, 64, FACE));
    }

    /** The separable resize against the per-pixel reference on a real photo, including crops past its edges. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("photoCrops")
    void resizeOfAPhotoMatchesTheGetRgbReference(
            String description,
            BufferedImage image,
            Rectangle2D region,
            int width,
            int height,
            TensorEncoding encoding) {
        FloatBuffer tensor = FloatBuffer.allocate(encoding.floatsPerImage(width, height));

        ImageTensors.resize(image, region, width, height, encoding, tensor);

        double scaleX = region.getWidth() / width;
        double scaleY = region.getHeight() / height;
        double[] targetToSource = {
            scaleX, 0, region.getX() + 0.5 * scaleX - 0.5, 0, scaleY, region.getY() + 0.5 * scaleY - 0.5
        };
        assertClose(tensor.array(), reference(image, targetToSource, width, height, encoding));
    }

    /** A face-alignment-like warp of a real photo, partly past its edge. */
    @Test
    void warpOfAPhotoMatchesTheGetRgbReference() throws ImageRejectedException {
        BufferedImage photo = new ImageDecoder()
                .decode(TestImages.sample("sample2.jpg"), DecodeOptions.subsampledBy(4))
                .image();
        double angle = Math.toRadians(-15);
        double scale = 0.8;
        FloatBuffer tensor = FloatBuffer.allocate(FACE.floatsPerImage(112, 112));

        ImageTensors.warpAffine(photo, similarity(scale, angle, 30, -20), 112, 112, FACE, tensor);

        assertClose(tensor.array(), reference(photo, inverseSimilarity(scale, angle, 30, -20), 112, 112, FACE));
    }

    @Test
    void sameSizeResizeIsTheNormalisedPixels() {
        BufferedImage image = TestImages.pattern(16, 8, BufferedImage.TYPE_3BYTE_BGR);
        FloatBuffer tensor = FloatBuffer.allocate(3 * 16 * 8);

        ImageTensors.resize(image, 16, 8, FACE, tensor);

        int rgb = image.getRGB(5, 3);
        int index = 3 * 16 + 5;
        assertThat(tensor.get(index)).isEqualTo(((rgb >> 16 & 0xFF) - 127) / 128f);
        assertThat(tensor.get(16 * 8 + index)).isEqualTo(((rgb >> 8 & 0xFF) - 127) / 128f);
        assertThat(tensor.get(2 * 16 * 8 + index)).isEqualTo(((rgb & 0xFF) - 127) / 128f);
    }

    @Test
    void upscalingInterpolatesBetweenPixelCentres() {
        BufferedImage image = new BufferedImage(2, 1, BufferedImage.TYPE_BYTE_GRAY);
        image.getRaster().setSample(1, 0, 0, 100);
        FloatBuffer tensor = FloatBuffer.allocate(4);

        ImageTensors.resize(image, 4, 1, TensorEncoding.grey(0, 1), tensor);

        // Output centres fall at source x = -0.25, 0.25, 0.75, 1.25; the outer ones repeat the edge pixels.
        assertThat(tensor.array()).containsExactly(new float[] {0, 25, 75, 100}, within(1e-4f));
    }

    @Test
    void letterboxAreaTakesTheBorderValue() {
        BufferedImage image = TestImages.pattern(40, 30, BufferedImage.TYPE_3BYTE_BGR);
        TensorEncoding padded = FACE.withBorderValue(127);
        // A 4:3 image in a region twice as wide: the left and right quarters are padding.
        FloatBuffer tensor = FloatBuffer.allocate(padded.floatsPerImage(80, 30));

        ImageTensors.resize(image, new Rectangle2D.Double(-20, 0, 80, 30), 80, 30, padded, tensor);

        float[] values = tensor.array();
        assertThat(values[5]).isZero(); // (127 - 127) / 128
        assertThat(values[79]).isZero();
        int rgb = image.getRGB(10, 0);
        assertThat(values[30]).isEqualTo(((rgb >> 16 & 0xFF) - 127) / 128f);
    }

    @Test
    void theTransposeOfAWarpIsItsAdjoint() {
        // <warp(image), t> = <image, warpTranspose(t)> for any t: the transpose splats exactly what the warp sampled.
        // A rotation that runs past the image's top-left corner, so the border and the edge clamps take part.
        BufferedImage image = TestImages.pattern(97, 61, BufferedImage.TYPE_3BYTE_BGR);
        double[] toTarget = similarity(1.7, Math.toRadians(25), 20, -30);
        int width = 150, height = 150, plane = width * height;
        FloatBuffer warped = FloatBuffer.allocate(3 * plane);
        ImageTensors.warpAffine(image, toTarget, width, height, TensorEncoding.rgb(0, 1), warped);
        float[] target = new float[3 * plane];
        Random random = new Random(17);
        for (int i = 0; i < target.length; i++) {
            target[i] = (float) random.nextGaussian();
        }
        Rectangle footprint = ImageTensors.footprint(97, 61, toTarget, width, height);
        float[] source = new float[3 * footprint.width * footprint.height];

        ImageTensors.warpAffineTranspose(toTarget, target, 3, width, height, 97, 61, footprint, source);

        double forward = 0, backward = 0, scale = 0;
        for (int i = 0; i < target.length; i++) {
            forward += (double) warped.get(i) * target[i];
            scale += Math.abs(warped.get(i) * target[i]);
        }
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < footprint.height; y++) {
                for (int x = 0; x < footprint.width; x++) {
                    int rgb = image.getRGB(footprint.x + x, footprint.y + y);
                    backward += (rgb >> (16 - 8 * c) & 0xFF)
                            * (double) source[(c * footprint.height + y) * footprint.width + x];
                }
            }
        }
        assertThat(footprint.x).isZero();
        assertThat(footprint.y).isZero();
        assertThat(backward).isCloseTo(forward, within(1e-5 * scale));
        assertThatThrownBy(() -> ImageTensors.warpAffineTranspose(
                        toTarget, target, 3, width, height, 97, 61, new Rectangle(5, 5, 10, 10), source))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("footprint");
    }

    @Test
    void quarterTurnMovesPixelsExactly() {
        BufferedImage image = TestImages.pattern(6, 4, BufferedImage.TYPE_3BYTE_BGR);
        // Source (x, y) goes to target (3 - y, x): a clockwise quarter turn into a 4x6 tensor.
        double[] quarterTurn = {0, -1, 3, 1, 0, 0};
        FloatBuffer tensor = FloatBuffer.allocate(4 * 6);

        ImageTensors.warpAffine(image, quarterTurn, 4, 6, TensorEncoding.grey(0, 1), tensor);

        int rgb = image.getRGB(5, 1);
        float luma = 0.299f * (rgb >> 16 & 0xFF) + 0.587f * (rgb >> 8 & 0xFF) + 0.114f * (rgb & 0xFF);
        assertThat(tensor.get(5 * 4 + 2)).isCloseTo(luma, within(1e-3f));
    }

    @Test
    void consecutiveCallsFillABatch() {
        BufferedImage first = TestImages.pattern(20, 20, BufferedImage.TYPE_3BYTE_BGR);
        BufferedImage second = grey(first);
        FloatBuffer batch = FloatBuffer.allocate(2 * FACE.floatsPerImage(8, 8));
        FloatBuffer alone = FloatBuffer.allocate(FACE.floatsPerImage(8, 8));

        ImageTensors.resize(first, 8, 8, FACE, batch);
        ImageTensors.resize(second, 8, 8, FACE, batch);
        ImageTensors.resize(second, 8, 8, FACE, alone);

        assertThat(batch.hasRemaining()).isFalse();
        float[] secondItem = new float[alone.capacity()];
        batch.position(alone.capacity()).get(secondItem);
        assertThat(secondItem).containsExactly(alone.array());
    }

    @Test
    void fillsADetectorTensorInADirectBufferWithoutAnArrayOfTheWholeTensor() {
        BufferedImage photo = TestImages.pattern(640, 480, BufferedImage.TYPE_3BYTE_BGR);
        FloatBuffer onHeap = FloatBuffer.allocate(FACE.floatsPerImage(320, 240));
        FloatBuffer direct = ByteBuffer.allocateDirect(4 * onHeap.capacity())
                .order(ByteOrder.nativeOrder())
                .asFloatBuffer();
        ImageTensors.resize(photo, 320, 240, FACE, onHeap);
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

        long before = threads.getCurrentThreadAllocatedBytes();
        ImageTensors.resize(photo, 320, 240, FACE, direct);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;

        // The tensor is 0.9 MB: as one float[] it was a humongous object per image (docs/benchmarks.md).
        assertThat(allocated).isLessThan(64 * 1024);
        assertThat(direct.position()).isEqualTo(direct.capacity());
        float[] filled = new float[direct.capacity()];
        direct.flip().get(filled);
        assertThat(filled).containsExactly(onHeap.array());
    }

    @Test
    void tooSmallABufferIsRefusedBeforeWriting() {
        FloatBuffer small = FloatBuffer.allocate(10);

        assertThatThrownBy(() -> ImageTensors.resize(
                        TestImages.pattern(8, 8, BufferedImage.TYPE_3BYTE_BGR), 112, 112, FACE, small))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("37632");
        assertThat(small.position()).isZero();
    }

    @Test
    void singularMatrixIsRefused() {
        assertThatThrownBy(() -> ImageTensors.warpAffine(
                        TestImages.pattern(8, 8, BufferedImage.TYPE_3BYTE_BGR),
                        new double[] {1, 2, 0, 2, 4, 0},
                        4,
                        4,
                        FACE,
                        FloatBuffer.allocate(48)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not invertible");
    }

    /** target = scale * R(angle) * source + (shiftX, shiftY), as a 2x3 row-major matrix. */
    private static double[] similarity(double scale, double angle, double shiftX, double shiftY) {
        double cos = Math.cos(angle), sin = Math.sin(angle);
        return new double[] {scale * cos, -scale * sin, shiftX, scale * sin, scale * cos, shiftY};
    }

    /**
     * The reference's own inverse of {@link #similarity}, from its closed form rather than a general matrix
     * inverse: source = R(-angle) * (target - shift) / scale.
     */
    private static double[] inverseSimilarity(double scale, double angle, double shiftX, double shiftY) {
        double cos = Math.cos(angle), sin = Math.sin(angle);
        return new double[] {
            cos / scale, sin / scale, -(cos * shiftX + sin * shiftY) / scale,
            -sin / scale, cos / scale, (sin * shiftX - cos * shiftY) / scale
        };
    }

    private static BufferedImage grey(BufferedImage colour) {
        BufferedImage grey = new BufferedImage(colour.getWidth(), colour.getHeight(), BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D graphics = grey.createGraphics();
        graphics.drawImage(colour, 0, 0, null);
        graphics.dispose();
        return grey;
    }

    /** The slow, obvious version: getRGB (or the grey sample) per neighbour, in doubles. */
    private static float[] reference(
            BufferedImage image, double[] targetToSource, int width, int height, TensorEncoding encoding) {
        int channels = encoding.channels().count();
        float[] mean = encoding.mean();
        float[] std = encoding.std();
        float[] tensor = new float[channels * width * height];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                double sourceX = targetToSource[0] * x + targetToSource[1] * y + targetToSource[2];
                double sourceY = targetToSource[3] * x + targetToSource[4] * y + targetToSource[5];
                double[] rgb = new double[3];
                if (sourceX < -0.5
                        || sourceY < -0.5
                        || sourceX > image.getWidth() - 0.5
                        || sourceY > image.getHeight() - 0.5) {
                    Arrays.fill(rgb, encoding.borderValue());
                } else {
                    int left = (int) Math.floor(sourceX);
                    int top = (int) Math.floor(sourceY);
                    double fx = sourceX - left;
                    double fy = sourceY - top;
                    for (int c = 0; c < 3; c++) {
                        rgb[c] = (1 - fx) * (1 - fy) * channel(image, left, top, c)
                                + fx * (1 - fy) * channel(image, left + 1, top, c)
                                + (1 - fx) * fy * channel(image, left, top + 1, c)
                                + fx * fy * channel(image, left + 1, top + 1, c);
                    }
                }
                double[] values =
                        switch (encoding.channels()) {
                            case RGB -> rgb;
                            case BGR -> new double[] {rgb[2], rgb[1], rgb[0]};
                            case GREY -> new double[] {0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2]};
                        };
                for (int c = 0; c < channels; c++) {
                    tensor[(c * height + y) * width + x] = (float) ((values[c] - mean[c]) / std[c]);
                }
            }
        }
        return tensor;
    }

    /** Channel 0 = red, 1 = green, 2 = blue of the pixel, coordinates clamped to the image. */
    private static int channel(BufferedImage image, int x, int y, int channel) {
        int clampedX = Math.min(Math.max(x, 0), image.getWidth() - 1);
        int clampedY = Math.min(Math.max(y, 0), image.getHeight() - 1);
        if (image.getType() == BufferedImage.TYPE_BYTE_GRAY) {
            return image.getRaster().getSample(clampedX, clampedY, 0);
        }
        return image.getRGB(clampedX, clampedY) >> (16 - 8 * channel) & 0xFF;
    }

    private static void assertClose(float[] actual, float[] expected) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < expected.length; i++) {
            assertThat(actual[i]).as("element %d", i).isCloseTo(expected[i], within(1e-3f));
        }
    }
}
