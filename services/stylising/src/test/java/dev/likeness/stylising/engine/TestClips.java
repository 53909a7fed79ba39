package dev.likeness.stylising.engine;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;

import dev.likeness.core.onnx.ModelsDirectory;

/** A real clip for the tests and the benchmark: a camera panning and zooming over a sample photo. */
public final class TestClips {

    private TestClips() {}

    /**
     * {@code frames} frames of {@code width} x {@code height} px: a window of 70 % of sample1.jpg's width
     * moving right by 1 % of the width per frame while zooming in by 0.5 % per frame, a slow camera pan.
     */
    public static List<BufferedImage> panOverSample(int frames, int width, int height) throws IOException {
        BufferedImage photo =
                ImageIO.read(Files.newInputStream(ModelsDirectory.locate().resolve("samples/sample1.jpg")));
        List<BufferedImage> clip = new ArrayList<>();
        for (int index = 0; index < frames; index++) {
            double share = 0.7 - 0.005 * index;
            int cropWidth = (int) Math.round(photo.getWidth() * share);
            int cropHeight = (int) Math.round(cropWidth * (double) height / width);
            int left = (int) Math.round(photo.getWidth() * (0.1 + 0.01 * index));
            int top = (photo.getHeight() - cropHeight) / 3;
            BufferedImage frame = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
            Graphics2D graphics = frame.createGraphics();
            graphics.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            graphics.drawImage(photo, 0, 0, width, height, left, top, left + cropWidth, top + cropHeight, null);
            graphics.dispose();
            clip.add(frame);
        }
        return clip;
    }

    /** The clip as an animated GIF, 100 ms per frame. */
    public static byte[] panOverSampleGif(int frames, int width, int height) throws IOException {
        List<Raster> rasters = new ArrayList<>();
        for (BufferedImage frame : panOverSample(frames, width, height)) {
            rasters.add(Raster.of(frame, width, height));
        }
        return Clips.writeGif(rasters, 100);
    }
}
