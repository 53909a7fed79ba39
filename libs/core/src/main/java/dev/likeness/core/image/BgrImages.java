package dev.likeness.core.image;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.ComponentSampleModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;

/**
 * Brings any decoded image to a compact 8-bit interleaved sRGB layout the tensor code reads in place: B, G, R
 * (TYPE_3BYTE_BGR, what Java2D converts to) or R, G, B (what the JDK's JPEG reader writes fastest).
 */
final class BgrImages {

    private static final ColorModel SRGB_BYTES = new ComponentColorModel(
            ColorSpace.getInstance(ColorSpace.CS_sRGB), false, false, Transparency.OPAQUE, DataBuffer.TYPE_BYTE);

    private BgrImages() {}

    /**
     * The image as TYPE_3BYTE_BGR whose raster starts at offset 0 with rows of exactly width * 3 bytes.
     * Grey, palette, 16-bit and colour-converted (e.g. CMYK) images are converted by Java2D; alpha is
     * composited over white, as viewers show transparent areas.
     */
    static BufferedImage toCompactBgr(BufferedImage image) {
        if (isCompactBgr(image)) {
            return image;
        }
        BufferedImage bgr = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D graphics = bgr.createGraphics();
        try {
            if (image.getColorModel().hasAlpha()) {
                graphics.setColor(Color.WHITE);
                graphics.fillRect(0, 0, image.getWidth(), image.getHeight());
            }
            graphics.drawImage(image, 0, 0, null);
        } finally {
            graphics.dispose();
        }
        return bgr;
    }

    /** A compact 8-bit sRGB image with bytes in R, G, B order, for readers that write RGB rows. */
    static BufferedImage rgbOrdered(int width, int height) {
        WritableRaster raster = Raster.createInterleavedRaster(
                DataBuffer.TYPE_BYTE, width, height, width * 3, 3, new int[] {0, 1, 2}, null);
        return new BufferedImage(SRGB_BYTES, raster, false, null);
    }

    static boolean isCompactBgr(BufferedImage image) {
        return image.getType() == BufferedImage.TYPE_3BYTE_BGR && isCompact(image);
    }

    /** Whether the image is an {@link #rgbOrdered} or a compact TYPE_3BYTE_BGR one. */
    static boolean isCompact(BufferedImage image) {
        ColorModel colorModel = image.getColorModel();
        WritableRaster raster = image.getRaster();
        return !colorModel.hasAlpha()
                && colorModel.getColorSpace().isCS_sRGB()
                && raster.getNumBands() == 3
                && raster.getDataBuffer() instanceof DataBufferByte buffer
                && buffer.getOffset() == 0
                && raster.getSampleModelTranslateX() == 0
                && raster.getSampleModelTranslateY() == 0
                && raster.getSampleModel() instanceof ComponentSampleModel model
                && model.getPixelStride() == 3
                && model.getScanlineStride() == image.getWidth() * 3
                && buffer.getData().length == image.getWidth() * image.getHeight() * 3;
    }
}
