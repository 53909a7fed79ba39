package dev.likeness.core.image;

import java.awt.Rectangle;
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
import java.util.Arrays;

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

    private ImageTensors() {}

    /** Resizes the whole image to {@code width} x {@code height} (stretching if the aspect differs). */
    public static void resize(BufferedImage image, int width, int height, TensorEncoding encoding, FloatBuffer out) {
        resize(image, new Rectangle2D.Double(0, 0, image.getWidth(), image.getHeight()), width, height, encoding, out);
    }

    /**
     * Resizes a region of the image, in pixel units where pixel i spans [i, i+1), to {@code width} x
     * {@code height}, like OpenCV's INTER_LINEAR resize of that crop. The region may extend past the image
     * (letterboxing, crops at the edge): those samples take the border value.
     */
    public static void resize(
            BufferedImage image, Rectangle2D region, int width, int height, TensorEncoding encoding, FloatBuffer out) {
        if (region.getWidth() <= 0 || region.getHeight() <= 0) {
            throw new IllegalArgumentException("Region must not be empty: " + region);
        }
        double scaleX = region.getWidth() / width;
        double scaleY = region.getHeight() / height;
        double[] targetToSource = {
            scaleX, 0, region.getX() + 0.5 * scaleX - 0.5, 0, scaleY, region.getY() + 0.5 * scaleY - 0.5
        };
        sample(image, targetToSource, width, height, encoding, out);
    }

    /**
     * Warps the image into a {@code width} x {@code height} tensor with the 2x3 matrix {@code sourceToTarget}
     * (row-major {a, b, c, d, e, f}: target x = a*x + b*y + c, target y = d*x + e*y + f), exactly what OpenCV's
     * {@code warpAffine(image, M, size)} takes, e.g. a similarity that maps five face landmarks onto the
     * 112x112 alignment template.
     */
    public static void warpAffine(
            BufferedImage image,
            double[] sourceToTarget,
            int width,
            int height,
            TensorEncoding encoding,
            FloatBuffer out) {
        sample(image, invert(sourceToTarget), width, height, encoding, out);
    }

    /**
     * The source pixels {@link #warpAffine} reads for a {@code width} x {@code height} target (every sample's
     * neighbours, clamped to the image as the warp clamps them), as a rectangle of the image; empty when every sample
     * lies outside it.
     */
    public static Rectangle footprint(
            int sourceWidth, int sourceHeight, double[] sourceToTarget, int width, int height) {
        double[] targetToSource = invert(sourceToTarget);
        double minX = Double.MAX_VALUE, minY = Double.MAX_VALUE, maxX = -Double.MAX_VALUE, maxY = -Double.MAX_VALUE;
        // An affine map's extremes over the grid lie at its corners.
        for (int y : new int[] {0, height - 1}) {
            for (int x : new int[] {0, width - 1}) {
                double sourceX = targetToSource[0] * x + targetToSource[1] * y + targetToSource[2];
                double sourceY = targetToSource[3] * x + targetToSource[4] * y + targetToSource[5];
                minX = Math.min(minX, sourceX);
                maxX = Math.max(maxX, sourceX);
                minY = Math.min(minY, sourceY);
                maxY = Math.max(maxY, sourceY);
            }
        }
        if (maxX < -0.5 || maxY < -0.5 || minX > sourceWidth - 0.5 || minY > sourceHeight - 0.5) {
            return new Rectangle();
        }
        int left = (int) Math.max(0, Math.floor(minX));
        int top = (int) Math.max(0, Math.floor(minY));
        int right = (int) Math.min(sourceWidth - 1, Math.floor(maxX) + 1);
        int bottom = (int) Math.min(sourceHeight - 1, Math.floor(maxY) + 1);
        return new Rectangle(left, top, right - left + 1, bottom - top + 1);
    }

    /**
     * The transpose of {@link #warpAffine} on pixel values: adds each target value, times the bilinear weight the
     * warp gave each source pixel in that target sample, onto the source pixel (samples that took the border value
     * add nothing). Given the gradient of a function of the warped tensor with respect to its values in pixel units
     * (planes in the order {@code rgb(0, 1)} fills them), this is the gradient with respect to the image's pixel
     * values.
     *
     * @param target the target's {@code channels} planes of {@code width} x {@code height}
     * @param window the part of the source {@code source} holds; must contain the warp's {@link #footprint}
     * @param source {@code channels} planes of {@code window}'s size, added to
     */
    public static void warpAffineTranspose(
            double[] sourceToTarget,
            float[] target,
            int channels,
            int width,
            int height,
            int sourceWidth,
            int sourceHeight,
            Rectangle window,
            float[] source) {
        double[] targetToSource = invert(sourceToTarget);
        Rectangle footprint = footprint(sourceWidth, sourceHeight, sourceToTarget, width, height);
        if (!footprint.isEmpty() && !window.contains(footprint)) {
            throw new IllegalArgumentException("the window " + window + " misses part of the footprint " + footprint);
        }
        int plane = width * height, windowPlane = window.width * window.height;
        double maxX = sourceWidth - 0.5, maxY = sourceHeight - 0.5;
        for (int y = 0; y < height; y++) {
            double rowX = targetToSource[1] * y + targetToSource[2];
            double rowY = targetToSource[4] * y + targetToSource[5];
            for (int x = 0; x < width; x++) {
                double sourceX = targetToSource[0] * x + rowX;
                double sourceY = targetToSource[3] * x + rowY;
                if (!(sourceX >= -0.5 && sourceX <= maxX && sourceY >= -0.5 && sourceY <= maxY)) {
                    continue;
                }
                // The same neighbours and weights as sampleWarped.
                int left = (int) Math.floor(sourceX);
                int top = (int) Math.floor(sourceY);
                float fractionX = (float) (sourceX - left);
                float fractionY = (float) (sourceY - top);
                int x0 = Math.max(left, 0) - window.x, x1 = Math.min(left + 1, sourceWidth - 1) - window.x;
                int y0 = (Math.max(top, 0) - window.y) * window.width;
                int y1 = (Math.min(top + 1, sourceHeight - 1) - window.y) * window.width;
                float weight00 = (1 - fractionX) * (1 - fractionY), weight01 = fractionX * (1 - fractionY);
                float weight10 = (1 - fractionX) * fractionY, weight11 = fractionX * fractionY;
                for (int c = 0; c < channels; c++) {
                    float value = target[c * plane + y * width + x];
                    int offset = c * windowPlane;
                    source[offset + y0 + x0] += weight00 * value;
                    source[offset + y0 + x1] += weight01 * value;
                    source[offset + y1 + x0] += weight10 * value;
                    source[offset + y1 + x1] += weight11 * value;
                }
            }
        }
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
    private static void sample(
            BufferedImage image,
            double[] targetToSource,
            int width,
            int height,
            TensorEncoding encoding,
            FloatBuffer out) {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("Tensor size must be positive, was " + width + "x" + height);
        }
        int plane = width * height;
        int channels = encoding.channels().count();
        if (out.remaining() < channels * plane) {
            throw new IllegalArgumentException("Buffer has room for " + out.remaining() + " floats, the " + width + "x"
                    + height + " " + encoding.channels() + " image needs " + channels * plane);
        }
        Pixels pixels = Pixels.of(image);
        Normalisation normalisation = new Normalisation(encoding, pixels.offsetsFor(encoding.channels()));
        // Filled a target row at a time: a whole detector tensor as one float[] (0.9 MB at 320x240) cost a
        // humongous allocation, its zeroing and a copy per image.
        TargetRows target = new TargetRows(out, channels, width, height);
        if (targetToSource[1] == 0 && targetToSource[3] == 0) {
            sampleAxisAligned(pixels, targetToSource, width, height, normalisation, target);
        } else {
            sampleWarped(pixels, targetToSource, width, height, normalisation, target);
        }
        target.finish();
    }

    /**
     * One target row of every channel ({@code row[c * width + x]}), written into the buffer's planes once filled.
     */
    private static final class TargetRows {
        final float[] row;
        private final int base;
        private final FloatBuffer out;
        private final int channels;
        private final int width;
        private final int plane;

        TargetRows(FloatBuffer out, int channels, int width, int height) {
            this.out = out;
            this.base = out.position();
            this.channels = channels;
            this.width = width;
            this.plane = width * height;
            this.row = new float[channels * width];
        }

        void write(int y) {
            for (int c = 0; c < channels; c++) {
                out.put(base + c * plane + y * width, row, c * width, width);
            }
        }

        /** Moves the buffer past the tensor, as a relative put of it would. */
        void finish() {
            out.position(base + channels * plane);
        }
    }

    /**
     * Resizes and axis-aligned crops, separably: the source columns and weights of every target column (and
     * row of every row) are computed once, each source row needed is interpolated horizontally once into a
     * float row (consecutive target rows share source rows), and each target row is then a blend of two such
     * rows. Same samples as {@link #sampleWarped}, up to float rounding (about 1e-5 of a grey level).
     */
    private static void sampleAxisAligned(
            Pixels pixels,
            double[] targetToSource,
            int width,
            int height,
            Normalisation normalisation,
            TargetRows target) {
        Axis columns = new Axis(targetToSource[0], targetToSource[2], width, pixels.width, pixels.pixelStride);
        Axis rows = new Axis(targetToSource[4], targetToSource[5], height, pixels.height, pixels.rowStride);
        SourceRows cache = new SourceRows(pixels, columns, normalisation);
        float[] row = target.row;
        for (int y = 0; y < height; y++) {
            if (!rows.inside[y] || columns.first == columns.end) {
                normalisation.fillBorder(row, width, 0, width);
            } else {
                normalisation.fillBorder(row, width, 0, columns.first);
                normalisation.fillBorder(row, width, columns.end, width);
                float[][] top = cache.row(rows.near[y], null);
                float[][] bottom = cache.row(rows.far[y], top);
                normalisation.storeRow(
                        top, bottom, rows.complement[y], rows.fraction[y], columns.first, columns.end, row, width);
            }
            target.write(y);
        }
    }

    /** The last two source rows interpolated horizontally at the target columns, one float row per channel. */
    private static final class SourceRows {
        private final Pixels pixels;
        private final Axis columns;
        private final int[] offsets;
        private final float[][][] rows;
        private final int[] rowOffsets = {-1, -1};

        SourceRows(Pixels pixels, Axis columns, Normalisation normalisation) {
            this.pixels = pixels;
            this.columns = columns;
            this.offsets = normalisation.offsets();
            this.rows = new float[2][offsets.length][columns.inside.length];
        }

        /** The row at byte offset {@code rowOffset} (from the raster's origin), never evicting {@code keep}. */
        float[][] row(int rowOffset, float[][] keep) {
            for (int slot = 0; slot < 2; slot++) {
                if (rowOffsets[slot] == rowOffset) {
                    return rows[slot];
                }
            }
            int slot = rows[0] == keep ? 1 : 0;
            rowOffsets[slot] = rowOffset;
            byte[] data = pixels.data;
            int start = pixels.origin + rowOffset;
            for (int c = 0; c < offsets.length; c++) {
                float[] row = rows[slot][c];
                int offset = start + offsets[c];
                for (int x = columns.first; x < columns.end; x++) {
                    row[x] = columns.complement[x] * (data[offset + columns.near[x]] & 0xFF)
                            + columns.fraction[x] * (data[offset + columns.far[x]] & 0xFF);
                }
            }
            return rows[slot];
        }
    }

    private static void sampleWarped(
            Pixels pixels,
            double[] targetToSource,
            int width,
            int height,
            Normalisation normalisation,
            TargetRows target) {
        byte[] data = pixels.data;
        float[] row = target.row;
        double maxX = pixels.width - 0.5;
        double maxY = pixels.height - 0.5;
        int lastX = pixels.width - 1;
        int lastY = pixels.height - 1;
        for (int y = 0; y < height; y++) {
            double rowX = targetToSource[1] * y + targetToSource[2];
            double rowY = targetToSource[4] * y + targetToSource[5];
            for (int x = 0; x < width; x++) {
                double sourceX = targetToSource[0] * x + rowX;
                double sourceY = targetToSource[3] * x + rowY;
                if (!(sourceX >= -0.5 && sourceX <= maxX && sourceY >= -0.5 && sourceY <= maxY)) {
                    normalisation.fillBorder(row, width, x, x + 1);
                    continue;
                }
                int left = (int) Math.floor(sourceX);
                int top = (int) Math.floor(sourceY);
                float fractionX = (float) (sourceX - left);
                float fractionY = (float) (sourceY - top);
                // Within half a pixel of the edge: repeat the edge pixel, as OpenCV's resize does.
                int x0 = Math.max(left, 0) * pixels.pixelStride;
                int x1 = Math.min(left + 1, lastX) * pixels.pixelStride;
                int y0 = pixels.origin + Math.max(top, 0) * pixels.rowStride;
                int y1 = pixels.origin + Math.min(top + 1, lastY) * pixels.rowStride;
                normalisation.store(
                        data,
                        y0 + x0,
                        y0 + x1,
                        y1 + x0,
                        y1 + x1,
                        (1 - fractionX) * (1 - fractionY),
                        fractionX * (1 - fractionY),
                        (1 - fractionX) * fractionY,
                        fractionX * fractionY,
                        row,
                        width,
                        x);
            }
            target.write(y);
        }
    }

    /**
     * Where each target column (or row) samples along one axis: the byte offsets of its two neighbouring
     * source pixels (clamped to the image), the weight of the far one, and whether it lies within half a
     * pixel of the image at all.
     */
    private static final class Axis {
        final int[] near;
        final int[] far;
        final float[] fraction;
        final float[] complement;
        final boolean[] inside;
        /** The target indices inside the image form one run (the mapping is monotonic): [first, end). */
        final int first;

        final int end;

        Axis(double scale, double offset, int targetSize, int sourceSize, int stride) {
            near = new int[targetSize];
            far = new int[targetSize];
            fraction = new float[targetSize];
            complement = new float[targetSize];
            inside = new boolean[targetSize];
            double max = sourceSize - 0.5;
            for (int i = 0; i < targetSize; i++) {
                double source = scale * i + offset;
                inside[i] = source >= -0.5 && source <= max;
                if (!inside[i]) {
                    continue;
                }
                int low = (int) Math.floor(source);
                fraction[i] = (float) (source - low);
                complement[i] = 1 - fraction[i];
                near[i] = Math.max(low, 0) * stride;
                far[i] = Math.min(low + 1, sourceSize - 1) * stride;
            }
            int from = 0;
            while (from < targetSize && !inside[from]) {
                from++;
            }
            int to = from;
            while (to < targetSize && inside[to]) {
                to++;
            }
            first = from;
            end = to;
        }
    }

    /** The encoding's channel order, mean, std and border value, applied to one bilinear sample at a time. */
    private static final class Normalisation {
        private final boolean grey;
        private final int first;
        private final int second;
        private final int third;
        private final float[] mean;
        private final float[] inverseStd;
        private final float[] border;

        Normalisation(TensorEncoding encoding, int[] offsets) {
            int channels = encoding.channels().count();
            grey = encoding.channels() == TensorEncoding.Channels.GREY;
            first = offsets[0];
            second = offsets[1];
            third = offsets[2];
            mean = encoding.mean();
            float[] std = encoding.std();
            inverseStd = new float[channels];
            border = new float[channels];
            for (int c = 0; c < channels; c++) {
                inverseStd[c] = 1f / std[c];
                border[c] = (encoding.borderValue() - mean[c]) * inverseStd[c];
            }
        }

        int[] offsets() {
            return new int[] {first, second, third};
        }

        /**
         * One target row from two horizontally interpolated source rows (per channel, in encoding order), into
         * {@code row} with channels {@code stride} apart.
         */
        void storeRow(
                float[][] top,
                float[][] bottom,
                float topWeight,
                float bottomWeight,
                int from,
                int to,
                float[] row,
                int stride) {
            if (grey) {
                float[] red = top[0], green = top[1], blue = top[2];
                float[] redBelow = bottom[0], greenBelow = bottom[1], blueBelow = bottom[2];
                float greyMean = mean[0], greyScale = inverseStd[0];
                for (int x = from; x < to; x++) {
                    float luma = LUMA_RED * (topWeight * red[x] + bottomWeight * redBelow[x])
                            + LUMA_GREEN * (topWeight * green[x] + bottomWeight * greenBelow[x])
                            + LUMA_BLUE * (topWeight * blue[x] + bottomWeight * blueBelow[x]);
                    row[x] = (luma - greyMean) * greyScale;
                }
                return;
            }
            for (int c = 0; c < 3; c++) {
                float[] above = top[c], below = bottom[c];
                float channelMean = mean[c], channelScale = inverseStd[c];
                int start = c * stride;
                for (int x = from; x < to; x++) {
                    row[start + x] = (topWeight * above[x] + bottomWeight * below[x] - channelMean) * channelScale;
                }
            }
        }

        void fillBorder(float[] row, int stride, int from, int to) {
            for (int c = 0; c < border.length; c++) {
                Arrays.fill(row, c * stride + from, c * stride + to, border[c]);
            }
        }

        void store(
                byte[] data,
                int topLeft,
                int topRight,
                int bottomLeft,
                int bottomRight,
                float weight00,
                float weight01,
                float weight10,
                float weight11,
                float[] row,
                int stride,
                int x) {
            float a = bilinear(
                    data, first, topLeft, topRight, bottomLeft, bottomRight, weight00, weight01, weight10, weight11);
            float b = bilinear(
                    data, second, topLeft, topRight, bottomLeft, bottomRight, weight00, weight01, weight10, weight11);
            float c = bilinear(
                    data, third, topLeft, topRight, bottomLeft, bottomRight, weight00, weight01, weight10, weight11);
            if (grey) {
                float luma = LUMA_RED * a + LUMA_GREEN * b + LUMA_BLUE * c;
                row[x] = (luma - mean[0]) * inverseStd[0];
            } else {
                row[x] = (a - mean[0]) * inverseStd[0];
                row[stride + x] = (b - mean[1]) * inverseStd[1];
                row[2 * stride + x] = (c - mean[2]) * inverseStd[2];
            }
        }
    }

    private static float bilinear(
            byte[] data,
            int channelOffset,
            int topLeft,
            int topRight,
            int bottomLeft,
            int bottomRight,
            float weight00,
            float weight01,
            float weight10,
            float weight11) {
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
        final int origin;
        final int pixelStride;
        final int rowStride;
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
            this.origin = buffer.getOffset()
                    - raster.getSampleModelTranslateY() * rowStride
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
            if (!(colorModel instanceof ComponentColorModel)
                    || colorModel.hasAlpha()
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

        int[] offsetsFor(TensorEncoding.Channels channels) {
            return channels == TensorEncoding.Channels.BGR
                    ? new int[] {blue, green, red}
                    : new int[] {red, green, blue};
        }
    }
}
