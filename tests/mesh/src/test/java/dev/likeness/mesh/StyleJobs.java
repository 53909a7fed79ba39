package dev.likeness.mesh;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;

import com.google.protobuf.ByteString;
import dev.likeness.core.onnx.ModelsDirectory;
import dev.likeness.events.v1.ImageSource;
import dev.likeness.events.v1.OptimisationSettings;
import dev.likeness.events.v1.StyleRequested;
import dev.likeness.events.v1.WeightedStyle;

/**
 * Quick style requests: 48x36 PNG crops of the sample photos as content, one 48x48 striped PNG as style, a few
 * Adam steps from a seeded noise start. Each one still runs the real gradient graph; the same request always
 * paints the same picture, so a repeated result can be compared byte for byte.
 */
final class StyleJobs {

    static final int SIDE = 48;
    static final int ITERATIONS = 3;
    static final long SEED = 42;

    private final List<ByteString> contents = new ArrayList<>();
    private final ByteString style;

    private StyleJobs() throws Exception {
        for (int sample = 1; sample <= 6; sample++) {
            BufferedImage photo = ImageIO.read(ModelsDirectory.locate()
                    .resolve("samples/sample" + sample + ".jpg")
                    .toFile());
            BufferedImage small = new BufferedImage(SIDE, SIDE * 3 / 4, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = small.createGraphics();
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.drawImage(photo, 0, 0, small.getWidth(), small.getHeight(), null);
            g.dispose();
            contents.add(png(small));
        }
        BufferedImage stripes = new BufferedImage(SIDE, SIDE, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = stripes.createGraphics();
        for (int x = -SIDE; x < SIDE; x += 8) {
            g.setColor(x % 16 == 0 ? new Color(30, 60, 160) : new Color(240, 190, 40));
            g.fillPolygon(new int[] {x, x + 8, x + 8 + SIDE, x + SIDE}, new int[] {0, 0, SIDE, SIDE}, 4);
        }
        g.dispose();
        style = png(stripes);
    }

    static StyleJobs create() throws Exception {
        return new StyleJobs();
    }

    /** How many different contents the requests cycle through. */
    int variants() {
        return contents.size();
    }

    /** Request {@code i}: content variant {@code i % variants()}. */
    StyleRequested request(String id, int i) {
        return StyleRequested.newBuilder()
                .setRequestId(id)
                .setContent(ImageSource.newBuilder().setInline(contents.get(i % contents.size())))
                .addStyles(WeightedStyle.newBuilder()
                        .setImage(ImageSource.newBuilder().setInline(style)))
                .setOutputMaxSide(SIDE)
                .setOptimisation(OptimisationSettings.newBuilder()
                        .setIterations(ITERATIONS)
                        .setOptimiser(OptimisationSettings.Optimiser.ADAM)
                        .setInit(OptimisationSettings.Init.NOISE)
                        .setSeed(SEED))
                .build();
    }

    private static ByteString png(BufferedImage image) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return ByteString.copyFrom(out.toByteArray());
    }

    static String describe() {
        return SIDE + "x" + (SIDE * 3 / 4) + " PNG content, " + SIDE + "x" + SIDE + " PNG style, " + ITERATIONS
                + " Adam steps from seeded noise (seed " + SEED + ")";
    }
}
