package dev.likeness.insight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.likeness.core.onnx.ModelsDirectory;
import dev.likeness.face.AnalysedFace;
import dev.likeness.face.EmbeddingSpec;
import dev.likeness.face.FaceNetworks;
import dev.likeness.face.FacePipeline;
import dev.likeness.face.FacePipelineConfig;

/**
 * The fusion's saliency over the photos' pixels, on the sample photos: its gradient against finite differences of the
 * photo's pixels, its d against the embedding pipeline's, and the masking criterion in photo space.
 */
@Tag("models")
class FusionSaliencyTest {

    private static final int RANDOM_MASKS = 8;
    /** Grey levels of the finite differences. */
    private static final float STEP = 0.5f;

    @TempDir
    static Path temp;

    private static FacePipeline pipeline;
    private static FusionSaliency saliency;
    /** Every face of the sample photos, and the pipeline's fused embedding of each. */
    private static final List<FusionSaliency.Face> faces = new ArrayList<>();

    private static final List<float[]> embeddings = new ArrayList<>();

    @BeforeAll
    static void open() throws Exception {
        Path models = ModelsDirectory.locate();
        pipeline = FacePipeline.open(FacePipelineConfig.defaults(models, FaceNetworks.FUSION));
        saliency = FusionSaliency.of(pipeline.embedding(), temp);
        for (Path photo : UnitAtlasTest.samplePhotos()) {
            byte[] bytes = Files.readAllBytes(photo);
            faces.addAll(FusionSaliency.faces(
                    pipeline, saliency.spec(), bytes, photo.getFileName().toString()));
            pipeline.analyse(bytes).faces().stream()
                    .map(AnalysedFace::embedding)
                    .forEach(embeddings::add);
        }
        assertThat(saliency.spec().networks())
                .extracting(network -> network.model().id())
                .containsExactly(FaceNetworks.DLIB, FaceNetworks.FR_FEATURE);
        assertThat(faces).hasSizeGreaterThanOrEqualTo(6).hasSameSizeAs(embeddings);
    }

    @AfterAll
    static void close() {
        saliency.close();
        pipeline.close();
    }

    @Test
    void theFusedDistanceIsThePipelines() {
        // Each face against the next two, as the masking test pairs them.
        double worst = 0;
        for (int i = 0; i < faces.size(); i++) {
            for (int j = i + 1; j < Math.min(faces.size(), i + 3); j++) {
                float fused = saliency.distance(faces.get(i), faces.get(j));
                float pipelines = squaredDistance(embeddings.get(i), embeddings.get(j));
                worst = Math.max(worst, Math.abs(fused - pipelines));
                assertThat(fused)
                        .as(faces.get(i).name() + " and " + faces.get(j).name())
                        .isCloseTo(pipelines, within(1e-4f));
            }
        }
        System.out.printf("fusion saliency: d against the pipeline's, largest difference %.2e%n", worst);
    }

    /**
     * The photo's gradient predicts how d moves when pixel values of the photo move: central differences of
     * ±{@value #STEP} grey levels on each of the eight pixel values of face A with the largest gradient, and on the
     * eight together (each along its gradient's sign). Each network's input is the photo's warp, linear in the
     * pixels, so the moved photo's inputs are the warp of the photo plus the step times the warp of an image that is 1
     * at that pixel value and 0 elsewhere (both the pipeline's own warp): a fraction of a grey level, which the 8-bit
     * photo cannot hold. The networks are piecewise linear (ReLU, PReLU, max pooling), and where a max-pooling window
     * holds tied zeros d has a kink at the very point: the gradient takes one side, a difference sees both. On single
     * pixel values that moves the difference by up to 8 % here, and by as much on each network's own aligned input
     * (so it is not the warp's transpose), with the step anywhere from 1/8 to 2 grey levels; hence single values are
     * held to their sign and 15 %, and the eight together, where such effects average out, to 3 %. Float rounding of
     * d (about 6e-8 at d = 0.76) is under 0.2 % of the differences.
     */
    @Test
    void thePhotoGradientPredictsFiniteDifferences() {
        FusionSaliency.Face a = faces.get(0), b = faces.get(faces.size() - 1);
        FusionSaliency.Explanation explanation = saliency.explain(a, b);
        assertThat(explanation.distance()).isCloseTo(saliency.distance(a, b), within(1e-5f));
        EmbeddingSpec spec = saliency.spec();
        assertThat(explanation.distance())
                .isCloseTo(
                        (float) (spec.networks().get(0).weight() * explanation.networkDistances()[0]
                                + spec.networks().get(1).weight() * explanation.networkDistances()[1]),
                        within(1e-6f));

        Rectangle region = a.region();
        int plane = region.width * region.height;
        List<InsightImage> alignedA = saliency.aligned(a), alignedB = saliency.aligned(b);
        List<InsightImage> zero = moved(alignedA, alignedA, -1), together = zero;
        double predicted = 0;
        List<Integer> largest = IntStream.range(0, explanation.gradientA().length)
                .boxed()
                .sorted(Comparator.comparingDouble(i -> -Math.abs(explanation.gradientA()[i])))
                .limit(8)
                .toList();
        for (int i : largest) {
            int channel = i / plane, x = region.x + i % plane % region.width, y = region.y + i % plane / region.width;
            BufferedImage unit =
                    new BufferedImage(a.pixels().getWidth(), a.pixels().getHeight(), BufferedImage.TYPE_3BYTE_BGR);
            unit.getRaster().setSample(x, y, channel, 255);
            List<InsightImage> direction = moved(zero, saliency.aligned(a.withPixels(unit)), 1 / 255f);
            double gradient = explanation.gradientA()[i];
            double difference = centralDifference(alignedA, direction, alignedB);
            System.out.printf(
                    "fusion saliency: pixel (%d, %d) channel %d: gradient %.4e, central difference %.4e%n",
                    x, y, channel, gradient, difference);
            assertThat(Math.signum(difference)).isEqualTo(Math.signum(gradient));
            assertThat(difference).isCloseTo(gradient, within(0.15 * Math.abs(gradient)));
            together = moved(together, direction, (float) Math.signum(gradient));
            predicted += Math.abs(gradient);
        }
        double along = centralDifference(alignedA, together, alignedB);
        System.out.printf(
                "fusion saliency: the eight together: gradient %.4e, central difference %.4e%n", predicted, along);
        assertThat(along).isCloseTo(predicted, within(0.03 * predicted));
    }

    /** (d(a + step direction) - d(a - step direction)) / (2 step), each network's input moved. */
    private static double centralDifference(
            List<InsightImage> alignedA, List<InsightImage> direction, List<InsightImage> alignedB) {
        float up = saliency.distance(moved(alignedA, direction, STEP), alignedB);
        float down = saliency.distance(moved(alignedA, direction, -STEP), alignedB);
        return (up - down) / (2.0 * STEP);
    }

    /** Each aligned input plus {@code by} times the direction's. */
    private static List<InsightImage> moved(List<InsightImage> aligned, List<InsightImage> direction, float by) {
        List<InsightImage> moved = new ArrayList<>();
        for (int m = 0; m < aligned.size(); m++) {
            InsightImage face = aligned.get(m);
            float[] pixels = face.pixels().clone();
            for (int k = 0; k < pixels.length; k++) {
                pixels[k] += by * direction.get(m).pixels()[k];
            }
            moved.add(new InsightImage(face.name(), pixels, face.width(), face.height()));
        }
        return moved;
    }

    /**
     * The criterion in photo space: set the square of face A's photo with the largest total saliency to grey
     * (a quarter of the side of dlib's chip, the network with 0.8 of the weight, in photo pixels), and compare the
     * change of d with that of eight random squares of the same size that both networks see whole.
     */
    @Test
    void maskingTheMostSalientSquareOfThePhotoMovesTheDistanceMoreThanARandomOne() throws Exception {
        Random random = new Random(17);
        int pairs = 0, salientWins = 0;
        double salientTotal = 0, randomTotal = 0;
        for (int i = 0; i < faces.size(); i++) {
            for (int j = i + 1; j < Math.min(faces.size(), i + 3); j++) {
                FusionSaliency.Face a = faces.get(i), b = faces.get(j);
                FusionSaliency.Explanation explanation = saliency.explain(a, b);
                Rectangle region = a.region();
                int mask = (int) Math.round(150 / 4.0 / scale(a.toInputs().get(0)));
                int[] salient = SalientSquares.strongest(explanation.saliencyA(), region.width, region.height, mask);
                double salientChange = Math.abs(saliency.distance(
                                a.withPixels(masked(a.pixels(), region.x + salient[1], region.y + salient[0], mask)), b)
                        - explanation.distance());
                double randomChange = 0;
                for (int k = 0; k < RANDOM_MASKS; k++) {
                    int left, top;
                    do {
                        left = region.x + random.nextInt(region.width - mask + 1);
                        top = region.y + random.nextInt(region.height - mask + 1);
                    } while (!seenWholeByEveryNetwork(a, left, top, mask));
                    randomChange += Math.abs(saliency.distance(a.withPixels(masked(a.pixels(), left, top, mask)), b)
                            - explanation.distance());
                }
                randomChange /= RANDOM_MASKS;
                pairs++;
                salientWins += salientChange > randomChange ? 1 : 0;
                salientTotal += salientChange;
                randomTotal += randomChange;
            }
        }
        System.out.printf(
                "fusion saliency (%d faces, %d pairs, squares a quarter of dlib's chip): mean |change of d| salient %.4f,"
                        + " random %.4f; salient larger in %d pairs%n",
                faces.size(), pairs, salientTotal / pairs, randomTotal / pairs, salientWins);
        assertThat(salientTotal).isGreaterThan(1.5 * randomTotal);
        assertThat(salientWins).isGreaterThan(pairs / 2);
        FusionSaliency.write(
                saliency.explain(faces.get(0), faces.get(1)), faces.get(0), faces.get(1), temp.resolve("saliency.png"));
        assertThat(temp.resolve("saliency.png")).exists();
    }

    private static float squaredDistance(float[] a, float[] b) {
        double sum = 0;
        for (int k = 0; k < a.length; k++) {
            sum += (a[k] - b[k]) * (a[k] - b[k]);
        }
        return (float) sum;
    }

    /** Input pixels per photo pixel of a similarity. */
    private static double scale(double[] toInput) {
        return Math.sqrt(Math.abs(toInput[0] * toInput[4] - toInput[1] * toInput[3]));
    }

    /** Whether the square's corners map inside every network's input. */
    private static boolean seenWholeByEveryNetwork(FusionSaliency.Face face, int left, int top, int mask) {
        for (int m = 0; m < face.toInputs().size(); m++) {
            EmbeddingSpec.Network network = saliency.spec().networks().get(m);
            double[] t = face.toInputs().get(m);
            for (int corner = 0; corner < 4; corner++) {
                double x = left + (corner % 2) * mask, y = top + (corner / 2) * mask;
                double u = t[0] * x + t[1] * y + t[2], v = t[3] * x + t[4] * y + t[5];
                if (u < 0
                        || v < 0
                        || u > network.model().inputWidth()
                        || v > network.model().inputHeight()) {
                    return false;
                }
            }
        }
        return true;
    }

    private static BufferedImage copy(BufferedImage image) {
        return new BufferedImage(image.getColorModel(), image.copyData(null), image.isAlphaPremultiplied(), null);
    }

    /** The photo with a mask x mask square set to mid-grey. */
    private static BufferedImage masked(BufferedImage image, int left, int top, int mask) {
        BufferedImage copy = copy(image);
        WritableRaster raster = copy.getRaster();
        for (int y = top; y < top + mask; y++) {
            for (int x = left; x < left + mask; x++) {
                for (int channel = 0; channel < raster.getNumBands(); channel++) {
                    raster.setSample(x, y, channel, 128);
                }
            }
        }
        return copy;
    }
}
