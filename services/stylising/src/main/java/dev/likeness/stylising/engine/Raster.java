package dev.likeness.stylising.engine;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.util.Iterator;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

import dev.likeness.core.image.ImageTensors;
import dev.likeness.core.image.TensorEncoding;

/** An RGB picture as planar floats (C x H x W, values 0..255), the layout every style network takes. */
public record Raster(int width, int height, float[] data) {

    private static final TensorEncoding RAW_RGB = TensorEncoding.rgb(0f, 1f);

    public Raster {
        if (data.length != 3 * width * height) {
            throw new IllegalArgumentException(
                    data.length + " floats do not make a 3x" + height + "x" + width + " image");
        }
    }

    public static Raster blank(int width, int height) {
        return new Raster(width, height, new float[3 * width * height]);
    }

    /** Bilinear resize of an image (any BufferedImage the decoder gives) to width x height. */
    public static Raster of(BufferedImage image, int width, int height) {
        FloatBuffer buffer = FloatBuffer.allocate(3 * width * height);
        ImageTensors.resize(image, width, height, RAW_RGB, buffer);
        return new Raster(width, height, buffer.array());
    }

    public long[] shape() {
        return new long[] {1, 3, height, width};
    }

    public int plane() {
        return width * height;
    }

    public Raster copy() {
        return new Raster(width, height, data.clone());
    }

    public Raster resized(int newWidth, int newHeight) {
        return of(toImage(), newWidth, newHeight);
    }

    public void clamp() {
        for (int i = 0; i < data.length; i++) {
            float v = data[i];
            data[i] = v < 0 ? 0 : (v > 255 ? 255 : v);
        }
    }

    public BufferedImage toImage() {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        int plane = plane();
        int[] pixels = new int[plane];
        for (int i = 0; i < plane; i++) {
            pixels[i] = (channel(data[i]) << 16) | (channel(data[plane + i]) << 8) | channel(data[2 * plane + i]);
        }
        image.setRGB(0, 0, width, height, pixels, 0, width);
        return image;
    }

    private static int channel(float value) {
        return Math.round(value < 0 ? 0 : (value > 255 ? 255 : value));
    }

    /** The luminance (BT.601 Y) of every pixel, one plane. */
    public float[] luminance() {
        int plane = plane();
        float[] y = new float[plane];
        for (int i = 0; i < plane; i++) {
            y[i] = 0.299f * data[i] + 0.587f * data[plane + i] + 0.114f * data[2 * plane + i];
        }
        return y;
    }

    /** A grey picture whose three channels all hold {@code luminance}. */
    public static Raster grey(int width, int height, float[] luminance) {
        Raster raster = blank(width, height);
        int plane = raster.plane();
        for (int c = 0; c < 3; c++) {
            System.arraycopy(luminance, 0, raster.data, c * plane, plane);
        }
        return raster;
    }

    /**
     * Keeps the content's colours: the luminance (BT.601 Y) of this picture with the chroma (Cb, Cr) of
     * {@code content}, which must have the same size.
     */
    public Raster withColoursOf(Raster content) {
        int plane = plane();
        float[] out = new float[data.length];
        for (int i = 0; i < plane; i++) {
            float y = 0.299f * data[i] + 0.587f * data[plane + i] + 0.114f * data[2 * plane + i];
            float r = content.data[i];
            float g = content.data[plane + i];
            float b = content.data[2 * plane + i];
            float cb = -0.168736f * r - 0.331264f * g + 0.5f * b;
            float cr = 0.5f * r - 0.418688f * g - 0.081312f * b;
            out[i] = y + 1.402f * cr;
            out[plane + i] = y - 0.344136f * cb - 0.714136f * cr;
            out[2 * plane + i] = y + 1.772f * cb;
        }
        Raster result = new Raster(width, height, out);
        result.clamp();
        return result;
    }

    public byte[] png() {
        return encode(toImage(), "png", 0);
    }

    public byte[] jpeg(float quality) {
        return encode(toImage(), "jpeg", quality);
    }

    /** A small PNG preview whose longest side is at most {@code maxSide}. */
    public byte[] previewPng(int maxSide) {
        if (Math.max(width, height) <= maxSide) {
            return png();
        }
        double scale = (double) maxSide / Math.max(width, height);
        return resized(Math.max(1, (int) Math.round(width * scale)), Math.max(1, (int) Math.round(height * scale)))
                .png();
    }

    private static byte[] encode(BufferedImage image, String format, float quality) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            if (format.equals("png")) {
                ImageIO.write(image, "png", bytes);
                return bytes.toByteArray();
            }
            Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("jpeg");
            ImageWriter writer = writers.next();
            try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
                writer.setOutput(out);
                ImageWriteParam param = writer.getDefaultWriteParam();
                param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
                param.setCompressionQuality(quality);
                writer.write(null, new IIOImage(image, null, null), param);
            } finally {
                writer.dispose();
            }
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
