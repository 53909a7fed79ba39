package dev.likeness.core.image;

import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;
import org.jboss.logging.Logger;

/**
 * Decodes {@link StandardJpeg}s with OpenCV's {@code imdecode} (libjpeg-turbo, SIMD), through the JavaCPP presets:
 * 2-5x faster than the JDK's libjpeg 6b and, as both use the same integer IDCT, upsampling and colour conversion, the
 * same pixels to the bit (ImageDecoderTest compares them). Region and subsampling are cut from the whole decode in
 * Java exactly as the JDK reader keeps every n-th pixel from the region's corner, so faces, boxes and embeddings do
 * not move.
 */
final class OpenCvJpeg {

    private static final Logger LOG = Logger.getLogger(OpenCvJpeg.class);

    /** Whether OpenCV's native libraries loaded on this platform; if not, the JDK reader decodes every JPEG. */
    static final boolean AVAILABLE = load();

    private OpenCvJpeg() {}

    private static boolean load() {
        try {
            Loader.load(opencv_imgcodecs.class);
            return true;
        } catch (Throwable e) { // UnsatisfiedLinkError, or no native jar for this platform
            LOG.warnf("OpenCV is not available (%s); JPEGs are decoded by the JDK's reader, 2-5x slower", e.toString());
            return false;
        }
    }

    /**
     * Whether OpenCV may decode this file: standard, with its height in the frame header, and ending at its EOI
     * marker. libjpeg-turbo fills a truncated file with grey and only warns, which OpenCV does not pass on; the
     * JDK path reports it ({@link ImageDecoder} rejects truncated uploads).
     */
    static boolean accepts(StandardJpeg standard, byte[] jpeg) {
        return AVAILABLE
                && standard.storedWidth > 0
                && standard.storedHeight > 0
                && jpeg.length >= 4
                && (jpeg[jpeg.length - 2] & 0xFF) == 0xFF
                && (jpeg[jpeg.length - 1] & 0xFF) == 0xD9;
    }

    /**
     * The stored (not yet oriented) pixels of {@code storedRegion}, every {@code subsampling}-th pixel from its
     * corner, as a compact TYPE_3BYTE_BGR image; null when libjpeg-turbo cannot decode the data.
     */
    static BufferedImage decode(byte[] jpeg, Rectangle storedRegion, int subsampling) {
        try (BytePointer encoded = new BytePointer(jpeg);
                Mat buffer = new Mat(1, jpeg.length, opencv_core.CV_8UC1, encoded);
                Mat whole = opencv_imgcodecs.imdecode(
                        buffer, opencv_imgcodecs.IMREAD_COLOR | opencv_imgcodecs.IMREAD_IGNORE_ORIENTATION)) {
            if (whole.empty()
                    || whole.cols() < storedRegion.x + storedRegion.width
                    || whole.rows() < storedRegion.y + storedRegion.height) {
                return null;
            }
            int width = (storedRegion.width + subsampling - 1) / subsampling;
            int height = (storedRegion.height + subsampling - 1) / subsampling;
            BufferedImage bgr = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
            byte[] pixels = ((DataBufferByte) bgr.getRaster().getDataBuffer()).getData();
            BytePointer data = whole.data();
            long stride = whole.step();
            if (subsampling == 1) {
                for (int y = 0; y < height; y++) {
                    data.position((storedRegion.y + y) * stride + storedRegion.x * 3L)
                            .get(pixels, y * width * 3, width * 3);
                }
                return bgr;
            }
            byte[] row = new byte[storedRegion.width * 3];
            for (int y = 0; y < height; y++) {
                data.position((storedRegion.y + (long) y * subsampling) * stride + storedRegion.x * 3L)
                        .get(row, 0, row.length);
                int to = y * width * 3;
                for (int x = 0; x < width; x++, to += 3) {
                    System.arraycopy(row, x * subsampling * 3, pixels, to, 3);
                }
            }
            return bgr;
        }
    }
}
