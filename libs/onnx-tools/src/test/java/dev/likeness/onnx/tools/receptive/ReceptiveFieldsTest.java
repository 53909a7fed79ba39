package dev.likeness.onnx.tools.receptive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.likeness.core.onnx.FloatInput;
import dev.likeness.core.onnx.FloatTensor;
import dev.likeness.core.onnx.InferenceOptions;
import dev.likeness.core.onnx.OnnxModel;
import dev.likeness.onnx.model.ModelProto;
import dev.likeness.onnx.model.NodeProto;
import dev.likeness.onnx.tools.ModelFiles;
import dev.likeness.onnx.tools.OnnxModels;
import dev.likeness.onnx.tools.extract.FeatureExtractor;
import dev.likeness.onnx.tools.extract.ImagePreprocessing;
import dev.likeness.onnx.tools.extract.ResNet50Layers;
import dev.likeness.onnx.tools.graph.Graphs;
import dev.likeness.onnx.tools.tfjs.TfjsImporter;

/**
 * Receptive fields read off the graph against a brute-force check: change one input pixel of a real photo, and the
 * output positions that move must be exactly those whose field holds that pixel (same row range, same column range).
 */
@Tag("models")
class ReceptiveFieldsTest {

    @TempDir
    Path temp;

    @Test
    void resNet50FieldsAreTheKnownOnesAndMatchPerturbation() throws Exception {
        ModelProto resnet = TfjsImporter.importModel(ModelFiles.resnet50ModelJson());
        Map<String, String> named = ResNet50Layers.of(resnet);
        Map<String, String> layers = new LinkedHashMap<>();
        for (String layer : List.of("conv1_relu", "res2c", "res3d", "res4f", "res5c")) {
            layers.put(layer, named.get(layer));
        }
        ModelProto extractor = FeatureExtractor.extract(resnet, layers, ImagePreprocessing.caffe(), false);

        Map<String, ReceptiveField> fields = new LinkedHashMap<>();
        layers.keySet().forEach(layer -> fields.put(layer, ReceptiveFields.of(extractor.getGraph(), "image", layer)));

        // Keras' stem pads 3 then runs a 7x7/2 convolution; the literature's ResNet-50 field at res5c is 483 px.
        assertThat(fields.get("conv1_relu").rows()).isEqualTo(new ReceptiveField.Axis(2, 7, -3));
        assertThat(fields.get("res2c").rows().stride()).isEqualTo(4);
        assertThat(fields.get("res2c").rows().size()).isEqualTo(35);
        assertThat(fields.get("res3d").rows().size()).isEqualTo(99);
        assertThat(fields.get("res4f").rows().size()).isEqualTo(291);
        assertThat(fields.get("res5c").rows())
                .extracting(ReceptiveField.Axis::stride, ReceptiveField.Axis::size)
                .containsExactly(32L, 483L);
        assertThat(fields.get("res5c").columns()).isEqualTo(fields.get("res5c").rows());

        // The perturbation check on the layers whose field fits the photo several times over.
        layers.remove("res4f");
        layers.remove("res5c");
        assertMatchesPerturbation(
                FeatureExtractor.extract(resnet, layers, ImagePreprocessing.caffe(), false),
                fields,
                layers.keySet(),
                160,
                176);
    }

    @Test
    void frFeatureFieldsMatchPerturbation() throws Exception {
        ModelProto network = OnnxModels.read(ModelFiles.generated("face/batch/fr_feature.onnx"));
        List<String> adds = network.getGraph().getNodeList().stream()
                .filter(node -> node.getOpType().equals("Add"))
                .map(node -> node.getOutput(0))
                .toList();
        Map<String, String> layers = new LinkedHashMap<>();
        layers.put("first_block", adds.get(0));
        layers.put("last_block", adds.get(adds.size() - 1));
        // fr_feature's (v - 127) / 128.
        ImagePreprocessing encoding = new ImagePreprocessing(
                "fr_feature", new int[] {0, 1, 2}, new float[] {1 / 128f, 1 / 128f, 1 / 128f}, new float[] {
                    -127 / 128f, -127 / 128f, -127 / 128f
                });
        ModelProto extractor = FeatureExtractor.extract(network, layers, encoding, false);
        Map<String, ReceptiveField> fields = new LinkedHashMap<>();
        layers.keySet().forEach(layer -> fields.put(layer, ReceptiveFields.of(extractor.getGraph(), "image", layer)));

        assertMatchesPerturbation(extractor, fields, layers.keySet(), 112, 112);
    }

    @Test
    void dlibFieldsMatchPerturbationThroughItsPaddedResidualDownBlocks() throws Exception {
        ModelProto network = OnnxModels.read(ModelFiles.generated("dlib/dlib_face_recognition_resnet_model_v1.onnx"));
        Map<String, NodeProto> producers = Graphs.producers(network.getGraph());
        NodeProto mean = network.getGraph().getNodeList().stream()
                .filter(node -> node.getOpType().equals("ReduceMean"))
                .findFirst()
                .orElseThrow();
        String lastSpatial = mean.getInput(0);
        String firstPad = network.getGraph().getNodeList().stream()
                .filter(node -> node.getOpType().equals("Pad"))
                .findFirst()
                .orElseThrow()
                .getOutput(0);
        String afterFirstPad = network.getGraph().getNodeList().stream()
                .filter(node ->
                        node.getOpType().equals("Add") && node.getInputList().contains(firstPad))
                .findFirst()
                .map(node -> node.getOutput(0))
                .orElseThrow();
        Map<String, String> layers = new LinkedHashMap<>();
        layers.put("first_down", afterFirstPad);
        layers.put("last_spatial", producers.get(lastSpatial).getOutput(0));
        ModelProto extractor = FeatureExtractor.extract(network, layers, ImagePreprocessing.none(), false);
        Map<String, ReceptiveField> fields = new LinkedHashMap<>();
        layers.keySet().forEach(layer -> fields.put(layer, ReceptiveFields.of(extractor.getGraph(), "image", layer)));

        assertMatchesPerturbation(extractor, fields, layers.keySet(), 150, 150);
        assertThatThrownBy(() -> ReceptiveFields.of(network.getGraph(), "input", mean.getOutput(0)))
                .hasMessageContaining("reads the whole image");
    }

    @Test
    void aValueNotComputedFromTheInputIsRefused() throws Exception {
        ModelProto network = OnnxModels.read(ModelFiles.generated("face/batch/fr_feature.onnx"));
        assertThatThrownBy(() -> ReceptiveFields.of(network.getGraph(), "input", "no_such_value"))
                .hasMessageContaining("not a value computed from input");
    }

    /**
     * For pixels near the corners, the centre and off the stride grid: the rows and columns of the output positions
     * (any channel) that change when the pixel changes are exactly the rows and columns whose field holds it.
     */
    private void assertMatchesPerturbation(
            ModelProto extractor, Map<String, ReceptiveField> fields, Iterable<String> layers, int height, int width)
            throws Exception {
        Path file = temp.resolve("extractor-" + height + "x" + width + ".onnx");
        OnnxModels.write(extractor, file);
        float[] photo = samplePhoto(height, width);
        List<int[]> pixels = List.of(
                new int[] {0, 0},
                // Not the last rows and columns: at 150 px, dlib's stem (7x7/2 'valid', then 3x3/2 'valid' pooling)
                // reads pixels 0..146 only, which arithmetic over the graph cannot see.
                new int[] {height - 4, width - 4},
                new int[] {height / 2, width / 2},
                new int[] {height / 3 + 1, 2 * width / 3 + 3},
                new int[] {5, width - 5});
        try (OnnxModel model =
                OnnxModel.open(file, InferenceOptions.builder().warmUpRuns(0).build())) {
            Map<String, FloatTensor> before = run(model, photo, height, width);
            for (int[] pixel : pixels) {
                float[] changed = photo.clone();
                for (int channel = 0; channel < 3; channel++) {
                    int index = (channel * height + pixel[0]) * width + pixel[1];
                    changed[index] = 255 - changed[index] > 127 ? 255 : 0;
                }
                Map<String, FloatTensor> after = run(model, changed, height, width);
                for (String layer : layers) {
                    FloatTensor a = before.get(layer), b = after.get(layer);
                    int rows = a.dimension(2), columns = a.dimension(3);
                    List<Integer> movedRows = new ArrayList<>(), movedColumns = new ArrayList<>();
                    for (int i = 0; i < a.data().length; i++) {
                        if (a.data()[i] != b.data()[i]) {
                            movedRows.add(i / columns % rows);
                            movedColumns.add(i % columns);
                        }
                    }
                    ReceptiveField field = fields.get(layer);
                    String where = layer + " at pixel (" + pixel[0] + ", " + pixel[1] + ")";
                    assertThat(range(movedRows))
                            .as(where + ": rows")
                            .containsExactly(reading(field.rows(), pixel[0], rows));
                    assertThat(range(movedColumns))
                            .as(where + ": columns")
                            .containsExactly(reading(field.columns(), pixel[1], columns));
                }
            }
        }
    }

    /** The first and last output position along an axis whose field holds input pixel p. */
    private static int[] reading(ReceptiveField.Axis axis, int p, int positions) {
        int first = -1, last = -1;
        for (int i = 0; i < positions; i++) {
            if (axis.first(i) <= p && p <= axis.last(i)) {
                first = first < 0 ? i : first;
                last = i;
            }
        }
        return new int[] {first, last};
    }

    private static int[] range(List<Integer> positions) {
        return positions.isEmpty()
                ? new int[] {-1, -1}
                : new int[] {
                    positions.stream().mapToInt(Integer::intValue).min().getAsInt(),
                    positions.stream().mapToInt(Integer::intValue).max().getAsInt()
                };
    }

    private static Map<String, FloatTensor> run(OnnxModel model, float[] pixels, int height, int width) {
        return model.run(Map.of("image", FloatInput.of(FloatBuffer.wrap(pixels), 1, 3, height, width)));
    }

    /** sample1.jpg scaled to the size, RGB 0..255, NCHW. */
    private static float[] samplePhoto(int height, int width) throws Exception {
        BufferedImage source =
                ImageIO.read(ModelFiles.generated("samples/sample1.jpg").toFile());
        BufferedImage scaled = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D graphics = scaled.createGraphics();
        graphics.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        graphics.drawImage(source, 0, 0, width, height, null);
        graphics.dispose();
        float[] pixels = new float[3 * height * width];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int rgb = scaled.getRGB(x, y);
                pixels[y * width + x] = rgb >> 16 & 0xff;
                pixels[(height + y) * width + x] = rgb >> 8 & 0xff;
                pixels[(2 * height + y) * width + x] = rgb & 0xff;
            }
        }
        return pixels;
    }
}
