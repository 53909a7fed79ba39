package dev.likeness.common.image;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentSampleModel;
import java.awt.image.DataBufferByte;
import java.awt.image.WritableRaster;

/** Brings any decoded image to the one pixel layout the tensor code reads directly. */
final class BgrImages {

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
