package dev.likeness.core.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.color.ColorSpace;
import java.awt.color.ICC_Profile;
import java.awt.geom.Point2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Random;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.spi.IIORegistry;
import javax.imageio.spi.ImageReaderSpi;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;

import org.assertj.core.api.AbstractThrowableAssert;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.twelvemonkeys.imageio.plugins.jpeg.JPEGImageReaderSpi;
import dev.likeness.core.image.ImageRejectedException.Reason;
import dev.likeness.testing.ImageCorpus;

@Tag("models")
class ImageDecoderTest {

    private final ImageDecoder decoder = new ImageDecoder();

    @Nested
    class Refusals {

        @Test
        void emptyInput() {
            assertRejected(() -> decoder.decode(new byte[0]), Reason.EMPTY).hasMessageContaining("0 bytes");
            assertRejected(() -> decoder.decode(null), Reason.EMPTY);
        }

        @Test
        void moreBytesThanTheLimit() {
            byte[] photo = TestImages.sample("sample1.jpg");
            ImageDecoder strict = new ImageDecoder(ImageLimits.defaults().withMaxBytes(100_000));

            assertRejected(() -> strict.decode(photo), Reason.TOO_MANY_BYTES)
                    .hasMessageContaining("Image is " + photo.length + " bytes")
                    .hasMessageContaining("limit of 100000 bytes");
        }

        @Test
        void gifIsNamed() {
            byte[] gif = ImageCorpus.encode(TestImages.pattern(16, 16, BufferedImage.TYPE_3BYTE_BGR), "gif");

            assertRejected(() -> decoder.decode(gif), Reason.UNSUPPORTED_FORMAT)
                    .hasMessageContaining("GIF")
                    .hasMessageContaining("JPEG, PNG and WebP");
        }

        @Test
        void tiffIsNamed() {
            byte[] tiff = ImageCorpus.encode(TestImages.pattern(16, 16, BufferedImage.TYPE_3BYTE_BGR), "tiff");

            assertRejected(() -> decoder.decode(tiff), Reason.UNSUPPORTED_FORMAT)
                    .hasMessageContaining("TIFF");
        }

        @Test
        void randomBytesShowTheirMagic() {
            byte[] noise = new byte[4096];
            new Random(7).nextBytes(noise);
            noise[0] = 0x13;
            noise[1] = 0x37;

            assertRejected(() -> decoder.decode(noise), Reason.UNSUPPORTED_FORMAT)
                    .hasMessageContaining("unknown magic bytes 13 37");
        }

        @Test
        void decompressionBombIsRefusedFromTheHeader() {
            byte[] bomb = ImageCorpus.pngClaiming(30_000, 30_000);
            assertThat(bomb.length).isLessThan(200);

            assertRejected(() -> decoder.decode(bomb), Reason.TOO_MANY_PIXELS)
                    .hasMessageContaining("30000x30000 = 900000000 pixels")
                    .hasMessageContaining("limit of 40000000 pixels");
            assertRejected(() -> decoder.probe(bomb), Reason.TOO_MANY_PIXELS);
        }

        @Test
        void theBombsTokenPixelDataIsNotDecodable() {
            // The same construction within the limits gets decoded and fails: so the refusal above came from
            // the header alone, before any pixel was decoded.
            assertRejected(() -> decoder.decode(ImageCorpus.pngClaiming(2000, 1500)), Reason.UNDECODABLE);
        }

        @Test
        void sideLongerThanTheLimit() {
            byte[] strip = ImageCorpus.encode(TestImages.pattern(300, 10, BufferedImage.TYPE_3BYTE_BGR), "png");
            ImageDecoder strict = new ImageDecoder(ImageLimits.defaults().withMaxSide(256));

            assertRejected(() -> strict.decode(strip), Reason.SIDE_TOO_LONG)
                    .hasMessageContaining("300x10")
                    .hasMessageContaining("limit of 256 pixels");
        }

        @Test
        void truncatedJpeg() {
            byte[] jpeg = TestImages.sample("sample1.jpg");

            assertRejected(() -> decoder.decode(Arrays.copyOf(jpeg, jpeg.length / 2)), Reason.UNDECODABLE)
                    .hasMessageContaining("truncated");
            assertRejected(() -> decoder.decode(Arrays.copyOf(jpeg, 300)), Reason.UNDECODABLE);
        }

        @Test
        void truncatedJpegEvenWhenSubsampled() {
            byte[] jpeg = TestImages.sample("sample1.jpg");

            assertRejected(
                    () -> decoder.decode(Arrays.copyOf(jpeg, jpeg.length - 1000), DecodeOptions.reducedTo(320)),
                    Reason.UNDECODABLE);
        }

        @Test
        void truncatedPng() {
            byte[] png = ImageCorpus.encode(TestImages.pattern(64, 64, BufferedImage.TYPE_3BYTE_BGR), "png");

            assertRejected(() -> decoder.decode(Arrays.copyOf(png, png.length / 2)), Reason.UNDECODABLE);
        }

        @Test
        void corruptWebp() {
            byte[] webp = TestImages.losslessWebp(10, 20, new boolean[][] {{true, false}, {false, true}});
            byte[] headerOnly = Arrays.copyOf(webp, 21);

            assertRejected(() -> decoder.decode(headerOnly), Reason.UNDECODABLE);
        }

        private AbstractThrowableAssert<?, ? extends Throwable> assertRejected(ThrowingCallable call, Reason reason) {
            return assertThatThrownBy(call)
                    .isInstanceOf(ImageRejectedException.class)
                    .satisfies(e ->
                            assertThat(((ImageRejectedException) e).reason()).isEqualTo(reason));
        }
    }

    @Nested
    class Formats {

        @Test
        void jpeg() throws Exception {
            BufferedImage original = TestImages.pattern(64, 48, BufferedImage.TYPE_3BYTE_BGR);

            DecodedImage decoded = decoder.decode(ImageCorpus.encode(original, "jpeg"));

            assertThat(decoded.format()).isEqualTo(ImageFormat.JPEG);
            assertUprightCompact(decoded, 64, 48);
            // Lossy with chroma subsampling: sharp colour edges blur, the picture as a whole stays.
            assertThat(meanAbsoluteDifference(decoded.image(), original)).isLessThan(4);
        }

        @Test
        void pngIsLossless() throws Exception {
            BufferedImage original = TestImages.pattern(64, 48, BufferedImage.TYPE_3BYTE_BGR);

            DecodedImage decoded = decoder.decode(ImageCorpus.encode(original, "png"));

            assertThat(decoded.format()).isEqualTo(ImageFormat.PNG);
            assertUprightCompact(decoded, 64, 48);
            assertSimilar(decoded.image(), original, 0);
        }

        @Test
        void losslessWebpBuiltByHand() throws Exception {
            boolean[][] brightGreen = new boolean[3][5];
            brightGreen[0][4] = true;
            brightGreen[2][0] = true;
            brightGreen[1][2] = true;

            DecodedImage decoded = decoder.decode(TestImages.losslessWebp(200, 50, brightGreen));

            assertThat(decoded.format()).isEqualTo(ImageFormat.WEBP);
            assertUprightCompact(decoded, 5, 3);
            for (int y = 0; y < 3; y++) {
                for (int x = 0; x < 5; x++) {
                    int expected = brightGreen[y][x] ? 0xC8FF32 : 0xC80032;
                    assertThat(decoded.image().getRGB(x, y) & 0xFFFFFF)
                            .as("pixel %d,%d", x, y)
                            .isEqualTo(expected);
                }
            }
        }

        @Test
        void lossyWebp() throws Exception {
            byte[] webp;
            try (InputStream resource = getClass().getResourceAsStream("/images/pattern-64x48-lossy.webp")) {
                webp = resource.readAllBytes();
            }

            DecodedImage decoded = decoder.decode(webp);

            assertThat(decoded.format()).isEqualTo(ImageFormat.WEBP);
            assertUprightCompact(decoded, 64, 48);
            assertThat(meanAbsoluteDifference(
                            decoded.image(), TestImages.pattern(64, 48, BufferedImage.TYPE_3BYTE_BGR)))
                    .isLessThan(4);
        }

        @Test
        void greyPng() throws Exception {
            BufferedImage grey = new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_GRAY);
            grey.getRaster().setSample(3, 4, 0, 100);

            BufferedImage decoded =
                    decoder.decode(ImageCorpus.encode(grey, "png")).image();

            assertThat(BgrImages.isCompactBgr(decoded)).isTrue();
            assertThat(decoded.getRGB(3, 4) & 0xFFFFFF).isEqualTo(0x646464);
            assertThat(decoded.getRGB(0, 0) & 0xFFFFFF).isZero();
        }

        @Test
        void sixteenBitPngKeepsTheHighByte() throws Exception {
            BufferedImage deep = new BufferedImage(8, 8, BufferedImage.TYPE_USHORT_GRAY);
            deep.getRaster().setSample(1, 2, 0, 0xC8FF);

            BufferedImage decoded =
                    decoder.decode(ImageCorpus.encode(deep, "png")).image();

            assertThat(BgrImages.isCompactBgr(decoded)).isTrue();
            assertThat(decoded.getRGB(1, 2) & 0xFF).isBetween(0xC8, 0xC9);
        }

        @Test
        void palettePng() throws Exception {
            BufferedImage palette = new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_INDEXED);
            palette.setRGB(5, 5, 0xFF0000);

            BufferedImage decoded =
                    decoder.decode(ImageCorpus.encode(palette, "png")).image();

            assertThat(BgrImages.isCompactBgr(decoded)).isTrue();
            assertThat(decoded.getRGB(5, 5) & 0xFFFFFF).isEqualTo(0xFF0000);
        }

        @Test
        void transparencyBecomesWhite() throws Exception {
            BufferedImage translucent = new BufferedImage(8, 8, BufferedImage.TYPE_INT_ARGB);
            translucent.setRGB(2, 2, 0xFF0000FF);

            BufferedImage decoded =
                    decoder.decode(ImageCorpus.encode(translucent, "png")).image();

            assertThat(BgrImages.isCompactBgr(decoded)).isTrue();
            assertThat(decoded.getRGB(2, 2) & 0xFFFFFF).isEqualTo(0x0000FF);
            assertThat(decoded.getRGB(0, 0) & 0xFFFFFF).isEqualTo(0xFFFFFF);
        }

        @Test
        void cmykJpeg() throws Exception {
            BufferedImage decoded = decoder.decode(TestImages.cmykJpeg(32, 16)).image();

            assertThat(BgrImages.isCompactBgr(decoded)).isTrue();
            assertNear(decoded.getRGB(4, 8), 0x00FFFF, 24); // cyan
            assertNear(decoded.getRGB(27, 8), 0xFFFF00, 24); // yellow
        }
    }

    @Nested
    class Orientation {

        private final BufferedImage stored = TestImages.pattern(64, 48, BufferedImage.TYPE_3BYTE_BGR);
        private final byte[] jpeg = ImageCorpus.encode(stored, "jpeg");

        @Test
        void rotate90IsShownUpright() throws Exception {
            DecodedImage decoded = decoder.decode(ImageCorpus.withExifOrientation(jpeg, 6));

            assertThat(decoded.orientation()).isEqualTo(ExifOrientation.ROTATE_90);
            assertUprightCompact(decoded, 48, 64);
            assertThat(decoded.originalWidth()).isEqualTo(48);
            assertThat(decoded.originalHeight()).isEqualTo(64);
            // Turned clockwise: the bright blue block of the stored top-left is now at the top-right.
            assertThat(decoded.image().getRGB(44, 4) & 0xFF).isGreaterThan(200);
            assertThat(decoded.image().getRGB(4, 4) & 0xFF).isLessThan(100);
        }

        @ParameterizedTest
        @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8})
        void everyOrientationMatchesItsDefinition(int orientation) throws Exception {
            BufferedImage storedPixels = decoder.decode(jpeg).image();

            DecodedImage decoded = decoder.decode(ImageCorpus.withExifOrientation(jpeg, orientation));

            assertThat(decoded.orientation().exifValue()).isEqualTo(orientation);
            assertSimilar(decoded.image(), turnedByDefinition(storedPixels, orientation), 0);
        }

        @Test
        void probeReportsUprightSize() throws Exception {
            ImageHeader header = decoder.probe(ImageCorpus.withExifOrientation(jpeg, 8));

            assertThat(header).isEqualTo(new ImageHeader(ImageFormat.JPEG, 48, 64, ExifOrientation.ROTATE_270));
        }

        @ParameterizedTest
        @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8})
        void regionIsInUprightCoordinates(int orientation) throws Exception {
            byte[] oriented = ImageCorpus.withExifOrientation(jpeg, orientation);
            BufferedImage upright = decoder.decode(oriented).image();
            Rectangle region = new Rectangle(5, 9, 17, 23);

            DecodedImage crop = decoder.decode(oriented, DecodeOptions.full().withRegion(region));

            assertThat(crop.region()).isEqualTo(region);
            assertSimilar(crop.image(), upright.getSubimage(5, 9, 17, 23), 0);
        }

        /** EXIF's definitions, written as where each stored pixel goes (the decoder maps the other way). */
        private BufferedImage turnedByDefinition(BufferedImage source, int orientation) {
            int width = source.getWidth();
            int height = source.getHeight();
            boolean swap = orientation >= 5;
            BufferedImage target =
                    new BufferedImage(swap ? height : width, swap ? width : height, BufferedImage.TYPE_3BYTE_BGR);
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    int[] to =
                            switch (orientation) {
                                case 1 -> new int[] {x, y};
                                case 2 -> new int[] {width - 1 - x, y};
                                case 3 -> new int[] {width - 1 - x, height - 1 - y};
                                case 4 -> new int[] {x, height - 1 - y};
                                case 5 -> new int[] {y, x};
                                case 6 -> new int[] {height - 1 - y, x};
                                case 7 -> new int[] {height - 1 - y, width - 1 - x};
                                default -> new int[] {y, width - 1 - x};
                            };
                    target.setRGB(to[0], to[1], source.getRGB(x, y));
                }
            }
            return target;
        }
    }

    @Nested
    class SubsamplingAndRegions {

        private final byte[] photo = TestImages.sample("sample1.jpg");

        @Test
        void reducedForDetection() throws Exception {
            DecodedImage reduced = decoder.decode(photo, DecodeOptions.reducedTo(320));

            assertThat(reduced.originalWidth()).isEqualTo(1920);
            assertThat(reduced.originalHeight()).isEqualTo(1280);
            assertThat(reduced.subsampling()).isEqualTo(6);
            assertThat(reduced.scale()).isEqualTo(1.0 / 6);
            assertUprightCompact(reduced, 320, 214); // ceil(1280 / 6)
        }

        @Test
        void fixedSubsamplingKeepsEveryNthPixel() throws Exception {
            BufferedImage full = decoder.decode(photo).image();

            DecodedImage quarter = decoder.decode(photo, DecodeOptions.subsampledBy(4));

            assertUprightCompact(quarter, 480, 320);
            for (int[] point : new int[][] {{0, 0}, {100, 50}, {479, 319}, {250, 200}}) {
                assertNear(quarter.image().getRGB(point[0], point[1]), full.getRGB(point[0] * 4, point[1] * 4), 6);
            }
        }

        @Test
        void smallImagesAreNotReduced() throws Exception {
            byte[] small = ImageCorpus.encode(TestImages.pattern(200, 100, BufferedImage.TYPE_3BYTE_BGR), "png");

            DecodedImage decoded = decoder.decode(small, DecodeOptions.reducedTo(320));

            assertThat(decoded.subsampling()).isEqualTo(1);
            assertUprightCompact(decoded, 200, 100);
        }

        @Test
        void fullResolutionRegion() throws Exception {
            BufferedImage full = decoder.decode(photo).image();
            Rectangle face = new Rectangle(600, 300, 200, 160);

            DecodedImage crop = decoder.decode(photo, DecodeOptions.full().withRegion(face));

            assertUprightCompact(crop, 200, 160);
            assertSimilar(crop.image(), full.getSubimage(600, 300, 200, 160), 6);
        }

        @Test
        void subsampledRegionMapsBackToTheOriginal() throws Exception {
            DecodedImage crop =
                    decoder.decode(photo, DecodeOptions.subsampledBy(2).withRegion(new Rectangle(600, 300, 200, 160)));

            assertUprightCompact(crop, 100, 80);
            assertThat(crop.toOriginal(10, 20)).isEqualTo(new Point2D.Double(620, 340));
        }

        @Test
        void regionIsClippedToTheImage() throws Exception {
            DecodedImage crop =
                    decoder.decode(photo, DecodeOptions.full().withRegion(new Rectangle(1900, 1270, 100, 100)));

            assertThat(crop.region()).isEqualTo(new Rectangle(1900, 1270, 20, 10));
            assertUprightCompact(crop, 20, 10);
        }

        @Test
        void regionOutsideTheImageIsACallerError() {
            assertThatThrownBy(() ->
                            decoder.decode(photo, DecodeOptions.full().withRegion(new Rectangle(5000, 0, 10, 10))))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("1920x1280");
        }

        @Test
        void probeReadsTheHeaderOnly() throws Exception {
            assertThat(decoder.probe(photo))
                    .isEqualTo(new ImageHeader(ImageFormat.JPEG, 1920, 1280, ExifOrientation.NORMAL));
        }
    }

    /**
     * Plain YCbCr and grey JPEGs, with no profile or an sRGB one, go to the JDK's native reader: the same pixels
     * as TwelveMonkeys gives them (checked here against the TwelveMonkeys reader itself), at a fraction of the
     * cost for camera photos with an embedded profile.
     */
    @Nested
    class StandardJpegs {

        private final byte[] cameraPhoto = TestImages.sample("sample1.jpg"); // embeds an sRGB profile (paint.net)
        private final byte[] plainPhoto = TestImages.sample("sample6.jpg"); // no profile

        @Test
        void cameraPhotosWithAnSrgbProfileAndPlainOnesAreStandard() {
            assertThat(StandardJpeg.of(cameraPhoto)).isNotNull();
            assertThat(StandardJpeg.of(cameraPhoto).withoutProfile(cameraPhoto))
                    .hasSizeLessThan(cameraPhoto.length - 3000);
            assertThat(StandardJpeg.of(plainPhoto).withoutProfile(plainPhoto)).isSameAs(plainPhoto);
            assertThat(StandardJpeg.of(greyJpeg()).components).isEqualTo(1);
        }

        @Test
        void cmykOtherProfilesAndBrokenSegmentsAreNot() {
            assertThat(StandardJpeg.of(TestImages.cmykJpeg(32, 16))).isNull();
            assertThat(StandardJpeg.of(withProfile(plainPhoto, ColorSpace.CS_LINEAR_RGB)))
                    .isNull();
            assertThat(StandardJpeg.of(withProfile(greyJpeg(), ColorSpace.CS_GRAY)))
                    .isNull();
            assertThat(StandardJpeg.of(Arrays.copyOf(plainPhoto, 100))).isNull();
        }

        @ParameterizedTest(name = "{0}")
        @ValueSource(
                strings = {
                    "camera photo, sRGB profile",
                    "plain photo",
                    "grey",
                    "progressive",
                    "rotated 90 (EXIF)",
                    "linear-RGB profile (TwelveMonkeys path)"
                })
        void decodesTheSamePixelsAsTwelveMonkeys(String kind) throws Exception {
            byte[] jpeg =
                    switch (kind) {
                        case "camera photo, sRGB profile" -> cameraPhoto;
                        case "plain photo" -> plainPhoto;
                        case "grey" -> greyJpeg();
                        case "progressive" -> progressive(plainPhoto);
                        case "rotated 90 (EXIF)" -> ImageCorpus.withExifOrientation(cameraPhoto, 6);
                        default -> withProfile(plainPhoto, ColorSpace.CS_LINEAR_RGB);
                    };
            ImageHeader header = decoder.probe(jpeg);
            for (DecodeOptions options : new DecodeOptions[] {
                DecodeOptions.full(),
                DecodeOptions.subsampledBy(3),
                new DecodeOptions(new Rectangle(header.width() / 3, header.height() / 4, 301, 203), 2, 0)
            }) {
                DecodedImage decoded = decoder.decode(jpeg, options);

                assertThat(BgrImages.isCompact(decoded.image()))
                        .as("compact 3-byte sRGB")
                        .isTrue();
                BufferedImage expected = twelveMonkeys(jpeg, decoded);
                assertThat(expected.getWidth()).isEqualTo(decoded.width());
                assertThat(expected.getHeight()).isEqualTo(decoded.height());
                assertThat(largestDifference(decoded.image(), expected))
                        .as("largest difference, %s", options)
                        .isLessThanOrEqualTo(StandardJpeg.SRGB_TOLERANCE);
            }
        }

        @Test
        void aNonSrgbProfileIsStillApplied() throws Exception {
            BufferedImage plain =
                    decoder.decode(plainPhoto, DecodeOptions.subsampledBy(8)).image();
            BufferedImage linear = decoder.decode(
                            withProfile(plainPhoto, ColorSpace.CS_LINEAR_RGB), DecodeOptions.subsampledBy(8))
                    .image();

            // Linear values shown as sRGB: mid-tones come out much brighter.
            assertThat(meanAbsoluteDifference(linear, plain)).isGreaterThan(20);
        }

        /** Of any channel of any pixel of two images of the same size, whatever their byte order. */
        private static int largestDifference(BufferedImage actual, BufferedImage expected) {
            int largest = 0;
            for (int y = 0; y < actual.getHeight(); y++) {
                for (int x = 0; x < actual.getWidth(); x++) {
                    int a = actual.getRGB(x, y);
                    int b = expected.getRGB(x, y);
                    for (int shift = 0; shift < 24; shift += 8) {
                        largest = Math.max(largest, Math.abs((a >> shift & 0xFF) - (b >> shift & 0xFF)));
                    }
                }
            }
            return largest;
        }

        /** What the TwelveMonkeys reader (the path before the JDK reader was used) makes of the same request. */
        private BufferedImage twelveMonkeys(byte[] jpeg, DecodedImage decoded) throws Exception {
            Iterator<ImageReaderSpi> providers = IIORegistry.getDefaultInstance()
                    .getServiceProviders(
                            ImageReaderSpi.class, provider -> provider instanceof JPEGImageReaderSpi, false);
            ImageReader reader = providers.next().createReaderInstance();
            try (ImageInputStream input = ImageIO.createImageInputStream(new ByteArrayInputStream(jpeg))) {
                reader.setInput(input);
                ImageReadParam param = reader.getDefaultReadParam();
                ExifOrientation orientation = decoded.orientation();
                int storedWidth = reader.getWidth(0);
                int storedHeight = reader.getHeight(0);
                param.setSourceRegion(orientation.uprightToStored(decoded.region(), storedWidth, storedHeight));
                param.setSourceSubsampling(decoded.subsampling(), decoded.subsampling(), 0, 0);
                return orientation.applyTo(BgrImages.toCompactBgr(reader.read(0, param)));
            } finally {
                reader.dispose();
            }
        }

        private byte[] greyJpeg() {
            BufferedImage colour = ImageCorpus.decode(plainPhoto);
            BufferedImage grey =
                    new BufferedImage(colour.getWidth() / 4, colour.getHeight() / 4, BufferedImage.TYPE_BYTE_GRAY);
            Graphics2D graphics = grey.createGraphics();
            graphics.drawImage(colour, 0, 0, grey.getWidth(), grey.getHeight(), null);
            graphics.dispose();
            return ImageCorpus.encode(grey, "jpeg");
        }

        private byte[] progressive(byte[] jpeg) throws Exception {
            BufferedImage image = ImageCorpus.scaled(ImageCorpus.decode(jpeg), 0.4);
            ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (ImageOutputStream stream = ImageIO.createImageOutputStream(out)) {
                writer.setOutput(stream);
                ImageWriteParam param = writer.getDefaultWriteParam();
                param.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
                writer.write(null, new IIOImage(image, null, null), param);
            } finally {
                writer.dispose();
            }
            return out.toByteArray();
        }

        /** The JPEG with the JDK's profile for {@code colorSpace} embedded in one APP2 segment after SOI. */
        private byte[] withProfile(byte[] jpeg, int colorSpace) {
            byte[] profile = ICC_Profile.getInstance(colorSpace).getData();
            byte[] id = "ICC_PROFILE\0".getBytes(StandardCharsets.US_ASCII);
            int length = 2 + id.length + 2 + profile.length;
            ByteBuffer out = ByteBuffer.allocate(jpeg.length + 2 + length);
            out.put(jpeg, 0, 2)
                    .put((byte) 0xFF)
                    .put((byte) 0xE2)
                    .putShort((short) length)
                    .put(id)
                    .put((byte) 1)
                    .put((byte) 1)
                    .put(profile)
                    .put(jpeg, 2, jpeg.length - 2);
            return out.array();
        }
    }

    private static void assertUprightCompact(DecodedImage decoded, int width, int height) {
        assertThat(decoded.width()).as("width").isEqualTo(width);
        assertThat(decoded.height()).as("height").isEqualTo(height);
        assertThat(BgrImages.isCompact(decoded.image()))
                .as("compact 3-byte sRGB")
                .isTrue();
    }

    /** Every channel of every pixel within {@code tolerance}. */
    private static void assertSimilar(BufferedImage actual, BufferedImage expected, int tolerance) {
        assertThat(actual.getWidth()).isEqualTo(expected.getWidth());
        assertThat(actual.getHeight()).isEqualTo(expected.getHeight());
        for (int y = 0; y < expected.getHeight(); y++) {
            for (int x = 0; x < expected.getWidth(); x++) {
                assertNear(actual.getRGB(x, y), expected.getRGB(x, y), tolerance);
            }
        }
    }

    private static double meanAbsoluteDifference(BufferedImage actual, BufferedImage expected) {
        long total = 0;
        for (int y = 0; y < expected.getHeight(); y++) {
            for (int x = 0; x < expected.getWidth(); x++) {
                int actualRgb = actual.getRGB(x, y);
                int expectedRgb = expected.getRGB(x, y);
                for (int shift = 0; shift <= 16; shift += 8) {
                    total += Math.abs((actualRgb >> shift & 0xFF) - (expectedRgb >> shift & 0xFF));
                }
            }
        }
        return total / (3.0 * expected.getWidth() * expected.getHeight());
    }

    private static void assertNear(int actualRgb, int expectedRgb, int tolerance) {
        for (int shift = 0; shift <= 16; shift += 8) {
            int actual = actualRgb >> shift & 0xFF;
            int expected = expectedRgb >> shift & 0xFF;
            assertThat(Math.abs(actual - expected))
                    .as("channel at bit %d: %06x vs %06x", shift, actualRgb & 0xFFFFFF, expectedRgb & 0xFFFFFF)
                    .isLessThanOrEqualTo(tolerance);
        }
    }
}
