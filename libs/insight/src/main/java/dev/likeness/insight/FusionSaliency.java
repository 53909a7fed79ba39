package dev.likeness.insight;

import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.RenderingHints;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import dev.likeness.core.image.ImageRejectedException;
import dev.likeness.core.image.ImageTensors;
import dev.likeness.core.image.TensorEncoding;
import dev.likeness.core.onnx.FloatInput;
import dev.likeness.face.AlignedPhoto;
import dev.likeness.face.AnalysedFace;
import dev.likeness.face.EmbeddingSpec;
import dev.likeness.face.FacePipeline;

/**
 * Why two faces match under a fused embedding (likeness-fusion-v1: dlib's ResNet and fr_feature): the fusion's
 * squared distance is the weighted sum of its networks' ({@link EmbeddingSpec}), d = sum_m w_m d_m, and its gradient
 * with respect to each photo's pixels. Each network reads its own warp of the photo (its alignment), which is linear
 * in the pixels, so the photo's gradient is sum_m w_m W_m^T g_m: each network's gradient g_m with respect to its
 * aligned input ({@link MatchSaliency}, in pixel values: the input normalisation is in its graph) splatted back onto
 * the photo with the warp's own bilinear weights ({@link ImageTensors#warpAffineTranspose}). The alignment is held
 * fixed: the gradient says how d moves with the pixels the networks read, not with where the landmarker puts its
 * points.
 *
 * <p>The photo's pixels are those the pipeline aligns faces from ({@link FacePipeline#alignedPhoto}: the photo, or a
 * decode of its face regions, reduced for large faces), so d is the d of the embeddings the pipeline emits.
 */
public final class FusionSaliency implements AutoCloseable {

    /** Each face's panels in the picture are scaled to this height. */
    static final int PANEL_HEIGHT = 256;

    /**
     * A face in its photo.
     *
     * @param pixels   the pixels the pipeline aligned it from
     * @param toInputs per network of the embedding, in its order, the matrix from {@code pixels} to the network's input
     * @param region   the union of the networks' footprints in {@code pixels}: every pixel the embedding reads
     */
    public record Face(String name, BufferedImage pixels, List<double[]> toInputs, Rectangle region) {

        /** The same face, aligned the same way, over other pixels of the same size (a masked copy, say). */
        public Face withPixels(BufferedImage other) {
            return new Face(name, other, toInputs, region);
        }

        /** The region's pixels, as the networks read them. */
        public InsightImage regionImage() {
            FloatBuffer buffer = FloatInput.allocate(1, 3, region.height, region.width);
            ImageTensors.resize(
                    pixels,
                    new Rectangle2D.Double(region.x, region.y, region.width, region.height),
                    region.width,
                    region.height,
                    TensorEncoding.rgb(0, 1),
                    buffer);
            float[] values = new float[3 * region.width * region.height];
            buffer.flip().get(values);
            return new InsightImage(name, values, region.width, region.height);
        }
    }

    /**
     * A verification explained: the fused d, each network's own d (in the embedding's network order), and each face's
     * gradient (RGB planes over its {@link Face#region()}, per pixel value 0..255) and saliency (its length per pixel).
     */
    public record Explanation(
            float distance,
            float[] networkDistances,
            float[] gradientA,
            float[] gradientB,
            float[] saliencyA,
            float[] saliencyB) {}

    private final EmbeddingSpec spec;
    private final List<MatchSaliency> networks;

    private FusionSaliency(EmbeddingSpec spec, List<MatchSaliency> networks) {
        this.spec = spec;
        this.networks = networks;
    }

    /** Generates every network's distance-and-gradient graph ({@link MatchSaliency#of}) into {@code workFolder}. */
    public static FusionSaliency of(EmbeddingSpec spec, Path workFolder) throws IOException {
        List<MatchSaliency> networks = new ArrayList<>();
        try {
            for (EmbeddingSpec.Network network : spec.networks()) {
                networks.add(MatchSaliency.of(network, workFolder));
            }
        } catch (IOException | RuntimeException e) {
            networks.forEach(MatchSaliency::close);
            throw e;
        }
        return new FusionSaliency(spec, List.copyOf(networks));
    }

    public EmbeddingSpec spec() {
        return spec;
    }

    /**
     * Every face the pipeline finds in the photo, in its order, aligned for each network of {@code spec}, named {@code name#index} as {@link AlignedFaces} names
     * them.
     *
     * @throws ImageRejectedException where the pipeline's decoder refuses the photo
     */
    public static List<Face> faces(FacePipeline pipeline, EmbeddingSpec spec, byte[] bytes, String name)
            throws ImageRejectedException {
        AlignedPhoto photo = pipeline.alignedPhoto(bytes);
        BufferedImage pixels = photo.pixels().image();
        List<Face> faces = new ArrayList<>();
        for (AnalysedFace face : photo.faces()) {
            List<double[]> toInputs = new ArrayList<>();
            Rectangle region = new Rectangle();
            for (EmbeddingSpec.Network network : spec.networks()) {
                double[] toInput = photo.toInput(face, network);
                toInputs.add(toInput);
                Rectangle footprint = ImageTensors.footprint(
                        pixels.getWidth(),
                        pixels.getHeight(),
                        toInput,
                        network.model().inputWidth(),
                        network.model().inputHeight());
                region = region.isEmpty() ? footprint : region.union(footprint);
            }
            faces.add(new Face(name + "#" + faces.size(), pixels, List.copyOf(toInputs), region));
        }
        return faces;
    }

    /** The fused squared distance of the two faces' embeddings. */
    public float distance(Face a, Face b) {
        return distance(aligned(a), aligned(b));
    }

    /** The fused squared distance of two faces given as each network's aligned input. */
    float distance(List<InsightImage> a, List<InsightImage> b) {
        double distance = 0;
        for (int m = 0; m < networks.size(); m++) {
            distance += spec.networks().get(m).weight() * networks.get(m).distance(a.get(m), b.get(m));
        }
        return (float) distance;
    }

    public Explanation explain(Face a, Face b) {
        float[] gradientA = new float[3 * a.region().width * a.region().height];
        float[] gradientB = new float[3 * b.region().width * b.region().height];
        float[] networkDistances = new float[networks.size()];
        double distance = 0;
        for (int m = 0; m < networks.size(); m++) {
            InsightImage alignedA = aligned(a, m), alignedB = aligned(b, m);
            MatchSaliency.Explanation part = networks.get(m).explain(alignedA, alignedB);
            float weight = (float) spec.networks().get(m).weight();
            networkDistances[m] = part.distance();
            distance += weight * part.distance();
            splat(part.gradientA(), weight, alignedA, a, m, gradientA);
            splat(part.gradientB(), weight, alignedB, b, m, gradientB);
        }
        return new Explanation(
                (float) distance,
                networkDistances,
                gradientA,
                gradientB,
                MatchSaliency.saliency(gradientA, a.region().width, a.region().height),
                MatchSaliency.saliency(gradientB, b.region().width, b.region().height));
    }

    /** Each network's aligned input of the face, in the embedding's network order. */
    List<InsightImage> aligned(Face face) {
        return IntStream.range(0, networks.size())
                .mapToObj(m -> aligned(face, m))
                .toList();
    }

    private InsightImage aligned(Face face, int m) {
        EmbeddingSpec.Network network = spec.networks().get(m);
        return AlignedFaces.aligned(
                face.name(),
                face.pixels(),
                face.toInputs().get(m),
                network.model().inputWidth(),
                network.model().inputHeight());
    }

    /** Adds {@code weight} times the transposed warp of an aligned input's gradient onto the face's region. */
    private static void splat(
            float[] alignedGradient, float weight, InsightImage aligned, Face face, int m, float[] regionGradient) {
        float[] weighted = new float[alignedGradient.length];
        for (int i = 0; i < weighted.length; i++) {
            weighted[i] = weight * alignedGradient[i];
        }
        ImageTensors.warpAffineTranspose(
                face.toInputs().get(m),
                weighted,
                3,
                aligned.width(),
                aligned.height(),
                face.pixels().getWidth(),
                face.pixels().getHeight(),
                face.region(),
                regionGradient);
    }

    /**
     * Writes {@code saliency.png} as {@link MatchSaliency#write} does, over the photos instead of the aligned faces:
     * face A's region of its photo, the saliency there, face B's region, its saliency; each region scaled to
     * {@value #PANEL_HEIGHT} px high. Each map is box-blurred over 7/150 of its region's longer side (what 7 px are
     * to dlib's 150 px chip in {@link MatchSaliency#write}: a photo region of a few hundred pixels would otherwise show
     * the sampling grid of the 112 and 150 px inputs) and scaled by its own peak.
     */
    public static void write(Explanation explanation, Face a, Face b, Path file) throws IOException {
        List<BufferedImage> panels = new ArrayList<>();
        panels.addAll(panels(a, explanation.saliencyA()));
        panels.addAll(panels(b, explanation.saliencyB()));
        HeatMaps.writeRow(panels, file);
    }

    /** The face's region and its saliency over it, each scaled to the panel height. */
    private static List<BufferedImage> panels(Face face, float[] saliency) {
        InsightImage region = face.regionImage();
        BufferedImage picture = region.toImage();
        int blur = Math.max(
                3,
                (int) Math.round(MatchSaliency.DISPLAY_BLUR / 150.0 * Math.max(region.width(), region.height())) | 1);
        return List.of(scaled(picture), scaled(HeatMaps.saliency(picture, saliency, blur)));
    }

    private static BufferedImage scaled(BufferedImage image) {
        int width = Math.max(1, (int) Math.round((double) image.getWidth() * PANEL_HEIGHT / image.getHeight()));
        BufferedImage out = new BufferedImage(width, PANEL_HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D graphics = out.createGraphics();
        graphics.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        graphics.drawImage(image, 0, 0, width, PANEL_HEIGHT, null);
        graphics.dispose();
        return out;
    }

    @Override
    public void close() {
        networks.forEach(MatchSaliency::close);
    }
}
