package dev.likeness.core.image;

import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.spi.IIORegistry;
import javax.imageio.spi.ImageReaderSpi;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

import org.jboss.logging.Logger;

import com.twelvemonkeys.imageio.plugins.jpeg.JPEGImageReaderSpi;
import com.twelvemonkeys.imageio.plugins.webp.WebPImageReaderSpi;
import dev.likeness.core.image.ImageRejectedException.Reason;

/**
 * Turns untrusted encoded bytes into an upright BGR image, refusing what breaks the {@link ImageLimits}
 * before any pixel is decoded: size first, then the format from its magic bytes, then the dimensions from
 * the header. Thread-safe: every call uses its own ImageIO reader.
 *
 * <p>Plain YCbCr and grey JPEGs ({@link StandardJpeg}) are read by the JDK's native reader, everything else
 * (and anything the JDK reader warns about) by TwelveMonkeys, which reads more of what is found in the wild.
 */
public final class ImageDecoder {

    private static final Logger LOG = Logger.getLogger(ImageDecoder.class);

    /** TwelveMonkeys readers, registered by hand: the JDK has no WebP reader, and service loading misses
     * plugins under some class loaders (Quarkus, shaded jars). Registering also lets the TwelveMonkeys JPEG
     * reader (CMYK, broken-but-common files) find the JDK reader it delegates to. */
    private static final ImageReaderSpi JPEG_READERS = register(new JPEGImageReaderSpi());

    private static final ImageReaderSpi WEBP_READERS = register(new WebPImageReaderSpi());
    /** The JDK's own JPEG reader (native libjpeg, colour conversion included) for {@link StandardJpeg}s;
     * null on a JDK without it, where TwelveMonkeys reads every JPEG. */
    private static final ImageReaderSpi JDK_JPEG_READERS = jdkJpegReaders();

    private final ImageLimits limits;

    public ImageDecoder(ImageLimits limits) {
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    /** A decoder with {@link ImageLimits#defaults()}. */
    public ImageDecoder() {
        this(ImageLimits.defaults());
    }

    public ImageLimits limits() {
        return limits;
    }

    private static ImageReaderSpi register(ImageReaderSpi provider) {
        IIORegistry.getDefaultInstance().registerServiceProvider(provider, ImageReaderSpi.class);
        return provider;
    }

    private static ImageReaderSpi jdkJpegReaders() {
        Iterator<ImageReaderSpi> providers = IIORegistry.getDefaultInstance()
                .getServiceProviders(
                        ImageReaderSpi.class,
                        provider ->
                                provider.getClass().getName().equals("com.sun.imageio.plugins.jpeg.JPEGImageReaderSpi"),
                        false);
        return providers.hasNext() ? providers.next() : null;
    }

    /** Checks every limit and reads format, dimensions and orientation, decoding no pixels. */
    public ImageHeader probe(byte[] bytes) throws ImageRejectedException {
        ImageFormat format = checkBytesAndSniff(bytes);
        ImageReader reader = openReader(format, bytes);
        try {
            return readHeader(format, reader, bytes);
        } finally {
            release(reader);
        }
    }

    /** Decodes the whole image at full resolution. */
    public DecodedImage decode(byte[] bytes) throws ImageRejectedException {
        return decode(bytes, DecodeOptions.full());
    }

    /**
     * Decodes the image, or the requested region of it, upright and possibly subsampled.
     *
     * @throws IllegalArgumentException the requested region lies entirely outside the image
     */
    public DecodedImage decode(byte[] bytes, DecodeOptions options) throws ImageRejectedException {
        ImageFormat format = checkBytesAndSniff(bytes);
        StandardJpeg standard = format == ImageFormat.JPEG && JDK_JPEG_READERS != null ? StandardJpeg.of(bytes) : null;
        if (standard != null) {
            try {
                return decode(
                        format,
                        openJdkJpegReader(standard.withoutProfile(bytes)),
                        bytes,
                        options,
                        true,
                        standard.components == 3);
            } catch (ImageRejectedException e) {
                if (e.reason() != Reason.UNDECODABLE) {
                    throw e;
                }
                // Anything the JDK reader stumbles or even warns on gets TwelveMonkeys' reading and verdict.
                LOG.debugf("The JDK reader could not read a standard JPEG cleanly (%s), retrying", e.getMessage());
            }
        }
        return decode(format, openReader(format, bytes), bytes, options, false, false);
    }

    /**
     * @param strict         any decoder warning rejects the image (the caller then retries with another reader)
     * @param rgbDestination decode into RGB byte order and swap to BGR in place: the JDK reader copies RGB
     *                       rows into an RGB raster with array copies, into a BGR one sample by sample
     */
    private DecodedImage decode(
            ImageFormat format,
            ImageReader reader,
            byte[] bytes,
            DecodeOptions options,
            boolean strict,
            boolean rgbDestination)
            throws ImageRejectedException {
        try {
            ImageHeader header = readHeader(format, reader, bytes);
            Rectangle whole = new Rectangle(header.width(), header.height());
            Rectangle region =
                    options.region() == null ? whole : options.region().intersection(whole);
            if (region.isEmpty()) {
                throw new IllegalArgumentException("Region " + options.region() + " lies outside the " + header.width()
                        + "x" + header.height() + " image");
            }
            int subsampling = options.subsamplingFor(region.width, region.height);
            ExifOrientation orientation = header.orientation();
            int storedWidth = orientation.swapsAxes() ? header.height() : header.width();
            int storedHeight = orientation.swapsAxes() ? header.width() : header.height();

            ImageReadParam param = reader.getDefaultReadParam();
            Rectangle storedRegion = orientation.uprightToStored(region, storedWidth, storedHeight);
            param.setSourceRegion(storedRegion);
            param.setSourceSubsampling(subsampling, subsampling, 0, 0);
            BufferedImage rgb = rgbDestination
                    ? BgrImages.rgbOrdered(
                            ceilDiv(storedRegion.width, subsampling), ceilDiv(storedRegion.height, subsampling))
                    : null;
            param.setDestination(rgb);
            BufferedImage stored = readPixels(format, reader, param, strict);
            BufferedImage compact = rgb != null ? stored : BgrImages.toCompactBgr(stored);
            BufferedImage upright = orientation.applyTo(compact);
            return new DecodedImage(upright, format, header.width(), header.height(), region, subsampling, orientation);
        } finally {
            release(reader);
        }
    }

    private static int ceilDiv(int value, int divisor) {
        return (value + divisor - 1) / divisor;
    }

    private ImageFormat checkBytesAndSniff(byte[] bytes) throws ImageRejectedException {
        if (bytes == null || bytes.length == 0) {
            throw new ImageRejectedException(Reason.EMPTY, "Image is empty (0 bytes)");
        }
        if (bytes.length > limits.maxBytes()) {
            throw new ImageRejectedException(
                    Reason.TOO_MANY_BYTES,
                    "Image is " + bytes.length + " bytes, more than the limit of " + limits.maxBytes() + " bytes");
        }
        return FormatSniffer.sniff(bytes);
    }

    private static ImageReader openReader(ImageFormat format, byte[] bytes) throws ImageRejectedException {
        try {
            ImageReader reader =
                    switch (format) {
                        case JPEG -> JPEG_READERS.createReaderInstance();
                        case WEBP -> WEBP_READERS.createReaderInstance();
                        case PNG -> pngReader();
                    };
            ImageInputStream stream = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes));
            reader.setInput(stream, true, false);
            return reader;
        } catch (IOException e) {
            throw new ImageRejectedException(
                    Reason.UNDECODABLE, "Cannot open the " + format + " image: " + e.getMessage(), e);
        }
    }

    private static ImageReader openJdkJpegReader(byte[] bytes) throws ImageRejectedException {
        try {
            ImageReader reader = JDK_JPEG_READERS.createReaderInstance();
            // No metadata: EXIF orientation is read separately, and the profile was judged to be sRGB.
            reader.setInput(new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes)), true, true);
            return reader;
        } catch (IOException e) {
            throw new ImageRejectedException(Reason.UNDECODABLE, "Cannot open the JPEG image: " + e.getMessage(), e);
        }
    }

    private static void release(ImageReader reader) {
        try {
            ((ImageInputStream) reader.getInput()).close();
        } catch (IOException e) {
            LOG.debugf(e, "Closing an in-memory image stream failed");
        }
        reader.dispose();
    }

    private static ImageReader pngReader() {
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName("png");
        if (!readers.hasNext()) {
            throw new IllegalStateException("This JDK has no PNG reader");
        }
        return readers.next();
    }

    private ImageHeader readHeader(ImageFormat format, ImageReader reader, byte[] bytes) throws ImageRejectedException {
        int storedWidth;
        int storedHeight;
        try {
            storedWidth = reader.getWidth(0);
            storedHeight = reader.getHeight(0);
        } catch (IOException | RuntimeException e) {
            throw new ImageRejectedException(
                    Reason.UNDECODABLE, "Cannot read the " + format + " header: " + e.getMessage(), e);
        }
        long pixels = (long) storedWidth * storedHeight;
        if (storedWidth <= 0 || storedHeight <= 0) {
            throw new ImageRejectedException(
                    Reason.UNDECODABLE,
                    "The " + format + " header declares " + storedWidth + "x" + storedHeight + " pixels");
        }
        if (pixels > limits.maxPixels()) {
            throw new ImageRejectedException(
                    Reason.TOO_MANY_PIXELS,
                    String.format(
                            Locale.ROOT,
                            "Image declares %dx%d = %d pixels, more than the limit of %d pixels (%.1f MP)",
                            storedWidth,
                            storedHeight,
                            pixels,
                            limits.maxPixels(),
                            limits.maxPixels() / 1e6));
        }
        if (Math.max(storedWidth, storedHeight) > limits.maxSide()) {
            throw new ImageRejectedException(
                    Reason.SIDE_TOO_LONG,
                    "Image declares " + storedWidth + "x" + storedHeight
                            + " pixels; its long side exceeds the limit of " + limits.maxSide() + " pixels");
        }
        ExifOrientation orientation =
                format == ImageFormat.JPEG ? ExifOrientation.readFromJpeg(bytes) : ExifOrientation.NORMAL;
        return orientation.swapsAxes()
                ? new ImageHeader(format, storedHeight, storedWidth, orientation)
                : new ImageHeader(format, storedWidth, storedHeight, orientation);
    }

    private static BufferedImage readPixels(
            ImageFormat format, ImageReader reader, ImageReadParam param, boolean strict)
            throws ImageRejectedException {
        List<String> warnings = new ArrayList<>();
        reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
        BufferedImage image;
        try {
            image = reader.read(0, param);
        } catch (IOException | RuntimeException e) {
            throw new ImageRejectedException(
                    Reason.UNDECODABLE, "The " + format + " data is corrupt: " + e.getMessage(), e);
        }
        // JPEG readers fill missing data with grey and only warn; a truncated upload must not pass as a photo.
        for (String warning : warnings) {
            String lower = warning.toLowerCase(Locale.ROOT);
            if (strict || lower.contains("premature end") || lower.contains("truncated")) {
                throw new ImageRejectedException(
                        Reason.UNDECODABLE,
                        "The " + format + (strict ? " decoder warned: " : " data is truncated: ") + warning);
            }
            LOG.debugf("Decoder warning on a %s image: %s", format, warning);
        }
        return image;
    }
}
