package dev.likeness.core.image;

import java.awt.Rectangle;
import java.awt.geom.Point2D;
import java.awt.image.BufferedImage;

/**
 * A decoded, upright image.
 *
 * @param image          8-bit sRGB in a compact interleaved raster, B, G, R (TYPE_3BYTE_BGR) or R, G, B order
 * @param format         the encoded format
 * @param originalWidth  upright width of the whole image at full resolution
 * @param originalHeight upright height of the whole image at full resolution
 * @param region         the part of the original that was decoded, in upright full-resolution pixels
 * @param subsampling    every n-th original pixel was kept (1 = full resolution)
 * @param orientation    the EXIF orientation that was applied to make it upright
 */
public record DecodedImage(
        BufferedImage image,
        ImageFormat format,
        int originalWidth,
        int originalHeight,
        Rectangle region,
        int subsampling,
        ExifOrientation orientation) {

    public DecodedImage {
        region = new Rectangle(region);
    }

    @Override
    public Rectangle region() {
        return new Rectangle(region);
    }

    public int width() {
        return image.getWidth();
    }

    public int height() {
        return image.getHeight();
    }

    /** Decoded pixels per original pixel: 1/subsampling. */
    public double scale() {
        return 1.0 / subsampling;
    }

    /** Where a point of the decoded image lies in the upright full-resolution original. */
    public Point2D.Double toOriginal(double x, double y) {
        return new Point2D.Double(region.x + x * subsampling, region.y + y * subsampling);
    }
}
