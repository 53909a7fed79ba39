package dev.likeness.common.image;

import java.awt.color.ColorSpace;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.PixelInterleavedSampleModel;
import java.awt.image.WritableRaster;
import java.nio.FloatBuffer;

/**
 * Fills NCHW float tensors from images with bilinear sampling, reading the raster's bytes directly
 * (no per-pixel getRGB). Each call writes one image's C x H x W floats at the buffer's position and
 * advances it, so a batch is filled by calling once per item and then flipping the buffer.
 *
 * <p>Coordinates follow OpenCV: pixel (i, j) has its centre at (i, j); samples more than half a pixel
 * outside the image take the encoding's border value.
 */
public final class ImageTensors {

    private static final float LUMA_RED = 0.299f;
    private static final float LUMA_GREEN = 0.587f;
    private static final float LUMA_BLUE = 0.114f;

    private ImageTensors() {
    }

    /** Resizes the whole image to {@code width} x {@code height} (stretching if the aspect differs). */
    public static void resize(BufferedImage image, int width, int height, TensorEncoding encoding, FloatBuffer out) {
        resize(image, new Rectangle2D.Double(0, 0, image.getWidth(), image.getHeight()), width, height, encoding, out);
    }

    /**
     * Resizes a region of the image, in pixel units where pixel i spans [i, i+1), to {@code width} x
     * {@code height}, like OpenCV's INTER_LINEAR resize of that crop. The region may extend past the image
     * (letterboxing, crops at the edge): those samples take the border value.
     */
    public static void resize(BufferedImage image, Rectangle2D region, int width, int height, TensorEncoding encoding,
            FloatBuffer out) {
        if (region.getWidth() <= 0 || region.getHeight() <= 0) {
            throw new IllegalArgumentException("Region must not be empty: " + region);
        }
        double scaleX = region.getWidth() / width;
        double scaleY = region.getHeight() / height;
        double[] targetToSource = {
            scaleX, 0, region.getX() + 0.5 * scaleX - 0.5,
            0, scaleY, region.getY() + 0.5 * scaleY - 0.5
        };
        sample(image, targetToSource, width, height, encoding, out);
    }

    /**
     * Warps the image into a {@code width} x {@code height} tensor with the 2x3 matrix {@code sourceToTarget}
     * (row-major {a, b, c, d, e, f}: target x = a*x + b*y + c, target y = d*x + e*y + f), exactly what OpenCV's
     * {@code warpAffine(image, M, size)} takes, e.g. a similarity that maps five face landmarks onto the
     * 112x112 alignment template.
     */
    public static void warpAffine(BufferedImage image, double[] sourceToTarget, int width, int height,
            TensorEncoding encoding, FloatBuffer out) {
        sample(image, invert(sourceToTarget), width, height, encoding, out);
    }

    static double[] invert(double[] m) {
        if (m.length != 6) {
            throw new IllegalArgumentException("An affine matrix has 6 values (2x3, row-major), got " + m.length);
        }
        double determinant = m[0] * m[4] - m[1] * m[3];
        if (Math.abs(determinant) < 1e-12 || !Double.isFinite(determinant)) {
            throw new IllegalArgumentException("Affine matrix is not invertible (determinant " + determinant + ")");
        }
        return new double[] {
            m[4] / determinant, -m[1] / determinant, (m[1] * m[5] - m[2] * m[4]) / determinant,
            -m[3] / determinant, m[0] / determinant, (m[2] * m[3] - m[0] * m[5]) / determinant
        };
    }

    /** Samples source pixel {@code targetToSource * (x, y)} for every target pixel (x, y). */
    private static void sample(BufferedImage image, double[] targetToSource, int width, int height,
            TensorEncoding encoding, FloatBuffer out) {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("Tensor size must be positive, was " + width + "x" + height);
        }
        int plane = width * height;
        int channels = encoding.channels().count();
        if (out.remaining() < channels * plane) {
            throw new IllegalArgumentException("Buffer has room for " + out.remaining() + " floats, the "
                    + width + "x" + height + " " + encoding.channels() + " image needs " + channels * plane);
        }
        Pixels pixels = Pixels.of(image);
        int[] offsets = pixels.offsetsFor(encoding.channels());
        float[] mean = encoding.mean();
        float[] std = encoding.std();
        float[] inverseStd = new float[channels];
        float[] border = new float[channels];
        for (int c = 0; c < channels; c++) {
            inverseStd[c] = 1f / std[c];
            border[c] = (encoding.borderValue() - mean[c]) * inverseStd[c];
        }
        boolean grey = encoding.channels() == TensorEncoding.Channels.GREY;
        byte[] data = pixels.data;
        double maxX = pixels.width - 0.5;
        double maxY = pixels.height - 0.5;
        float[] tensor = new float[channels * plane];
        for (int y = 0; y < height; y++) {
            double rowX = targetToSource[1] * y + targetToSource[2];
            double rowY = targetToSource[4] * y + targetToSource[5];
            for (int x = 0; x < width; x++) {
                int index = y * width + x;
                double sourceX = targetToSource[0] * x + rowX;
                double sourceY = targetToSource[3] * x + rowY;
                if (!(sourceX >= -0.5 && sourceX <= maxX && sourceY >= -0.5 && sourceY <= maxY)) {
                    for (int c = 0; c < channels; c++) {
                        tensor[c * plane + index] = border[c];
                    }
                    continue;
                }
                int left = (int) Math.floor(sourceX);
                int top = (int) Math.floor(sourceY);
                float fractionX = (float) (sourceX - left);
                float fractionY = (float) (sourceY - top);
                // Within half a pixel of the edge: repeat the edge pixel, as OpenCV's resize does.
                int x0 = Math.max(left, 0);
                int x1 = Math.min(left + 1, pixels.width - 1);
                int y0 = Math.max(top, 0);
                int y1 = Math.min(top + 1, pixels.height - 1);
                int topLeft = pixels.indexOf(x0, y0);
                int topRight = pixels.indexOf(x1, y0);
                int bottomLeft = pixels.indexOf(x0, y1);
                int bottomRight = pixels.indexOf(x1, y1);
                float weight00 = (1 - fractionX) * (1 - fractionY);
                float weight01 = fractionX * (1 - fractionY);
                float weight10 = (1 - fractionX) * fractionY;
                float weight11 = fractionX * fractionY;
                float first = bilinear(data, offsets[0], topLeft, topRight, bottomLeft, bottomRight,
                        weight00, weight01, weight10, weight11);
                float second = bilinear(data, offsets[1], topLeft, topRight, bottomLeft, bottomRight,
                        weight00, weight01, weight10, weight11);
                float third = bilinear(data, offsets[2], topLeft, topRight, bottomLeft, bottomRight,
                        weight00, weight01, weight10, weight11);
                if (grey) {
                    float luma = LUMA_RED * first + LUMA_GREEN * second + LUMA_BLUE * third;
                    tensor[index] = (luma - mean[0]) * inverseStd[0];
                } else {
                    tensor[index] = (first - mean[0]) * inverseStd[0];
                    tensor[plane + index] = (second - mean[1]) * inverseStd[1];
                    tensor[2 * plane + index] = (third - mean[2]) * inverseStd[2];
                }
            }
        }
        out.put(tensor);
    }

    private static float bilinear(byte[] data, int channelOffset, int topLeft, int topRight, int bottomLeft,
            int bottomRight, float weight00, float weight01, float weight10, float weight11) {
        return weight00 * (data[topLeft + channelOffset] & 0xFF)
                + weight01 * (data[topRight + channelOffset] & 0xFF)
                + weight10 * (data[bottomLeft + channelOffset] & 0xFF)
                + weight11 * (data[bottomRight + channelOffset] & 0xFF);
    }

    /** Direct view of an 8-bit interleaved raster. */
    private static final class Pixels {
        final byte[] data;
        final int width;
        final int height;
        private final int origin;
        private final int pixelStride;
        private final int rowStride;
        private final int red;
        private final int green;
        private final int blue;

        private Pixels(BufferedImage image) {
            WritableRaster raster = image.getRaster();
            PixelInterleavedSampleModel model = (PixelInterleavedSampleModel) raster.getSampleModel();
            DataBufferByte buffer = (DataBufferByte) raster.getDataBuffer();
            int[] bandOffsets = model.getBandOffsets();
            this.data = buffer.getData();
            this.width = image.getWidth();
            this.height = image.getHeight();
            this.pixelStride = model.getPixelStride();
            this.rowStride = model.getScanlineStride();
            // A sub-image's raster starts inside its parent's buffer.
            this.origin = buffer.getOffset() - raster.getSampleModelTranslateY() * rowStride
                    - raster.getSampleModelTranslateX() * pixelStride;
            boolean colour = bandOffsets.length == 3;
            this.red = bandOffsets[0];
            this.green = colour ? bandOffsets[1] : bandOffsets[0];
            this.blue = colour ? bandOffsets[2] : bandOffsets[0];
        }

        /** Reads the image in place when its layout allows, else converts it once to compact BGR. */
        static Pixels of(BufferedImage image) {
            return new Pixels(isDirectlyReadable(image) ? image : BgrImages.toCompactBgr(image));
        }

        /** 8-bit sRGB (3 bands) or grey (1 band) without alpha, interleaved in one byte array. */
        private static boolean isDirectlyReadable(BufferedImage image) {
            ColorModel colorModel = image.getColorModel();
            WritableRaster raster = image.getRaster();
            if (!(colorModel instanceof ComponentColorModel) || colorModel.hasAlpha()
                    || raster.getTransferType() != DataBuffer.TYPE_BYTE
                    || !(raster.getSampleModel() instanceof PixelInterleavedSampleModel)
                    || !(raster.getDataBuffer() instanceof DataBufferByte)
                    || raster.getDataBuffer().getNumBanks() != 1) {
                return false;
            }
            ColorSpace space = colorModel.getColorSpace();
            return (raster.getNumBands() == 3 && space.isCS_sRGB())
                    || (raster.getNumBands() == 1 && space.getType() == ColorSpace.TYPE_GRAY);
        }

        int indexOf(int x, int y) {
            return origin + y * rowStride + x * pixelStride;
        }

        int[] offsetsFor(TensorEncoding.Channels channels) {
            return channels == TensorEncoding.Channels.BGR
                    ? new int[] {blue, green, red}
                    : new int[] {red, green, blue};
        }
    }
}
