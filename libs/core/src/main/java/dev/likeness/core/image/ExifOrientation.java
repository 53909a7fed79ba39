package dev.likeness.core.image;

import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

import org.jboss.logging.Logger;

import com.twelvemonkeys.imageio.metadata.Directory;
import com.twelvemonkeys.imageio.metadata.Entry;
import com.twelvemonkeys.imageio.metadata.jpeg.JPEG;
import com.twelvemonkeys.imageio.metadata.jpeg.JPEGSegment;
import com.twelvemonkeys.imageio.metadata.jpeg.JPEGSegmentUtil;
import com.twelvemonkeys.imageio.metadata.tiff.TIFF;
import com.twelvemonkeys.imageio.metadata.tiff.TIFFReader;

/**
 * The EXIF orientation tag: how the stored pixels must be turned to show the scene upright. Phones
 * store portrait photos as landscape pixels plus {@link #ROTATE_90}; a detector fed the stored pixels
 * sees faces lying on their side.
 */
public enum ExifOrientation {
    NORMAL(1),
    FLIP_HORIZONTAL(2),
    ROTATE_180(3),
    FLIP_VERTICAL(4),
    /** Mirrored about the top-left to bottom-right diagonal. */
    TRANSPOSE(5),
    /** Stored pixels must be rotated 90 degrees clockwise. */
    ROTATE_90(6),
    /** Mirrored about the top-right to bottom-left diagonal. */
    TRANSVERSE(7),
    /** Stored pixels must be rotated 90 degrees counter-clockwise. */
    ROTATE_270(8);

    private static final Logger LOG = Logger.getLogger(ExifOrientation.class);

    private final int exifValue;

    ExifOrientation(int exifValue) {
        this.exifValue = exifValue;
    }

    public int exifValue() {
        return exifValue;
    }

    /** The tag value's orientation; values outside 1..8 (seen in the wild) count as {@link #NORMAL}. */
    public static ExifOrientation fromExif(int value) {
        for (ExifOrientation orientation : values()) {
            if (orientation.exifValue == value) {
                return orientation;
            }
        }
        return NORMAL;
    }

    /** Whether upright width is the stored height. */
    public boolean swapsAxes() {
        return exifValue >= 5;
    }

    /** The orientation in a JPEG's EXIF (APP1) segment; NORMAL when there is none or it cannot be read. */
    static ExifOrientation readFromJpeg(byte[] jpeg) {
        try (ImageInputStream stream = new MemoryCacheImageInputStream(new ByteArrayInputStream(jpeg))) {
            List<JPEGSegment> exifSegments = JPEGSegmentUtil.readSegments(stream, JPEG.APP1, "Exif");
            if (exifSegments.isEmpty()) {
                return NORMAL;
            }
            InputStream exif = exifSegments.get(0).data();
            // The identifier is "Exif\0\0": data() starts after the first NUL, so skip the pad byte.
            if (exif.read() != 0) {
                return NORMAL;
            }
            Directory directory = new TIFFReader().read(new MemoryCacheImageInputStream(exif));
            Entry entry = directory.getEntryById(TIFF.TAG_ORIENTATION);
            return entry != null && entry.getValue() instanceof Number value ? fromExif(value.intValue()) : NORMAL;
        } catch (IOException | RuntimeException e) {
            // A broken EXIF block must not cost the picture: show it as stored.
            LOG.debugf(e, "Ignoring unreadable EXIF orientation");
            return NORMAL;
        }
    }

    /**
     * Maps a rectangle in upright coordinates to the stored pixels that show it.
     *
     * @param storedWidth  width of the stored (not yet oriented) image
     * @param storedHeight height of the stored image
     */
    Rectangle uprightToStored(Rectangle upright, int storedWidth, int storedHeight) {
        int left = upright.x;
        int top = upright.y;
        int right = upright.x + upright.width;
        int bottom = upright.y + upright.height;
        return switch (this) {
            case NORMAL -> new Rectangle(upright);
            case FLIP_HORIZONTAL -> new Rectangle(storedWidth - right, top, upright.width, upright.height);
            case ROTATE_180 -> new Rectangle(storedWidth - right, storedHeight - bottom, upright.width, upright.height);
            case FLIP_VERTICAL -> new Rectangle(left, storedHeight - bottom, upright.width, upright.height);
            case TRANSPOSE -> new Rectangle(top, left, upright.height, upright.width);
            case ROTATE_90 -> new Rectangle(top, storedHeight - right, upright.height, upright.width);
            case TRANSVERSE -> new Rectangle(storedWidth - bottom, storedHeight - right, upright.height, upright.width);
            case ROTATE_270 -> new Rectangle(storedWidth - bottom, left, upright.height, upright.width);
        };
    }

    /** Turns a compact 3-byte image of stored pixels upright, in the same layout, with plain array copies. */
    BufferedImage applyTo(BufferedImage stored) {
        if (this == NORMAL) {
            return stored;
        }
        int storedWidth = stored.getWidth();
        int storedHeight = stored.getHeight();
        int width = swapsAxes() ? storedHeight : storedWidth;
        int height = swapsAxes() ? storedWidth : storedHeight;
        BufferedImage upright = new BufferedImage(
                stored.getColorModel(), stored.getRaster().createCompatibleWritableRaster(width, height), false, null);
        byte[] source = ((DataBufferByte) stored.getRaster().getDataBuffer()).getData();
        byte[] target = ((DataBufferByte) upright.getRaster().getDataBuffer()).getData();
        // Stored pixel (x, y) for upright pixel (u, v) is linear in u and v: walk the source with two steps.
        int lastX = storedWidth - 1;
        int lastY = storedHeight - 1;
        int[] walk =
                switch (this) { // {x, y} of the origin, then of d/du, then of d/dv
                    case NORMAL -> new int[] {0, 0, 1, 0, 0, 1};
                    case FLIP_HORIZONTAL -> new int[] {lastX, 0, -1, 0, 0, 1};
                    case ROTATE_180 -> new int[] {lastX, lastY, -1, 0, 0, -1};
                    case FLIP_VERTICAL -> new int[] {0, lastY, 1, 0, 0, -1};
                    case TRANSPOSE -> new int[] {0, 0, 0, 1, 1, 0};
                    case ROTATE_90 -> new int[] {0, lastY, 0, -1, 1, 0};
                    case TRANSVERSE -> new int[] {lastX, lastY, 0, -1, -1, 0};
                    case ROTATE_270 -> new int[] {lastX, 0, 0, 1, -1, 0};
                };
        int rowStart = 3 * (walk[1] * storedWidth + walk[0]);
        int stepU = 3 * (walk[3] * storedWidth + walk[2]);
        int stepV = 3 * (walk[5] * storedWidth + walk[4]);
        int targetIndex = 0;
        for (int v = 0; v < height; v++, rowStart += stepV) {
            for (int u = 0, sourceIndex = rowStart; u < width; u++, sourceIndex += stepU) {
                target[targetIndex++] = source[sourceIndex];
                target[targetIndex++] = source[sourceIndex + 1];
                target[targetIndex++] = source[sourceIndex + 2];
            }
        }
        return upright;
    }
}
