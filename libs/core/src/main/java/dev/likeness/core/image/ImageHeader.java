package dev.likeness.core.image;

/**
 * What an image's header says, read without decoding pixels.
 *
 * @param width  upright width (after EXIF orientation)
 * @param height upright height
 */
public record ImageHeader(ImageFormat format, int width, int height, ExifOrientation orientation) {

    public long pixels() {
        return (long) width * height;
    }
}
