package dev.likeness.common.image;

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

/** Brings any decoded image to the one pixel layout the tensor code reads directly. */
final class BgrImages {

    private static final ColorModel SRGB_BYTES = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_sRGB),
            false, false, Transparency.OPAQUE, DataBuffer.TYPE_BYTE);

    private BgrImages() {
    }

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
        WritableRaster raster = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, width, height, width * 3, 3,
                new int[] {0, 1, 2}, null);
        return new BufferedImage(SRGB_BYTES, raster, false, null);
    }

    /** The pixels of an {@link #rgbOrdered} image as TYPE_3BYTE_BGR, swapping red and blue in its own array. */
    static BufferedImage swapToBgr(BufferedImage rgb) {
        byte[] data = ((DataBufferByte) rgb.getRaster().getDataBuffer()).getData();
        for (int i = 0; i + 2 < data.length; i += 3) {
            byte red = data[i];
            data[i] = data[i + 2];
            data[i + 2] = red;
        }
        WritableRaster bgr = Raster.createInterleavedRaster(new DataBufferByte(data, data.length), rgb.getWidth(),
                rgb.getHeight(), rgb.getWidth() * 3, 3, new int[] {2, 1, 0}, null);
        return new BufferedImage(SRGB_BYTES, bgr, false, null);
    }

    static boolean isCompactBgr(BufferedImage image) {
        if (image.getType() != BufferedImage.TYPE_3BYTE_BGR) {
            return false;
        }
        WritableRaster raster = image.getRaster();
        return raster.getDataBuffer() instanceof DataBufferByte buffer
                && buffer.getOffset() == 0
                && raster.getSampleModelTranslateX() == 0
                && raster.getSampleModelTranslateY() == 0
                && raster.getSampleModel() instanceof ComponentSampleModel model
                && model.getScanlineStride() == image.getWidth() * 3
                && buffer.getData().length == image.getWidth() * image.getHeight() * 3;
    }
}
