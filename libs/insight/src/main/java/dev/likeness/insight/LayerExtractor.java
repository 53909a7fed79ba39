package dev.likeness.insight;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.likeness.core.onnx.FloatTensor;
import dev.likeness.core.onnx.InferenceOptions;
import dev.likeness.core.onnx.OnnxModel;
import dev.likeness.onnx.model.ModelProto;
import dev.likeness.onnx.tools.OnnxModels;
import dev.likeness.onnx.tools.extract.FeatureExtractor;
import dev.likeness.onnx.tools.extract.ImagePreprocessing;
import dev.likeness.onnx.tools.extract.ResNet50Layers;
import dev.likeness.onnx.tools.receptive.ReceptiveField;
import dev.likeness.onnx.tools.receptive.ReceptiveFields;
import dev.likeness.onnx.tools.tfjs.TfjsImporter;

/** A network cut down to the layers being looked at, with each layer's receptive field read off the graph. */
public final class LayerExtractor implements AutoCloseable {

    /** Zeiler and Fergus' levels on ResNet-50: edges and colours, textures, then parts. */
    public static final List<String> RESNET50_DEFAULT_LAYERS =
            List.of("conv1_relu", "res2c", "res3d", "res4f", "res5c");

    /** The ImageNet ResNet-50 that `make models` fetches for stylising (a TF.js layers model). */
    public static final String RESNET50 = "resnet50/tfjs/model.json";

    private final String network;
    private final Map<String, ReceptiveField> fields;
    private final OnnxModel model;

    private LayerExtractor(String network, Map<String, ReceptiveField> fields, OnnxModel model) {
        this.network = network;
        this.fields = fields;
        this.model = model;
    }

    /**
     * ResNet-50 truncated after the given layers ({@code conv1_relu}, {@code res2a}..{@code res5c}), written to
     * {@code workFolder} (ONNX Runtime opens files) and opened.
     *
     * @throws IllegalArgumentException for an unknown layer, naming the known ones
     */
    public static LayerExtractor resNet50(Path modelsFolder, List<String> layers, Path workFolder) throws IOException {
        if (layers.isEmpty()) {
            throw new IllegalArgumentException("No layers given; ResNet-50's are " + RESNET50_DEFAULT_LAYERS);
        }
        ModelProto imported = TfjsImporter.importModel(modelsFolder.resolve(RESNET50));
        Map<String, String> named = ResNet50Layers.of(imported);
        Map<String, String> wanted = new LinkedHashMap<>();
        for (String layer : layers) {
            if (!named.containsKey(layer)) {
                throw new IllegalArgumentException(
                        "ResNet-50 has no layer '" + layer + "'; its layers are " + named.keySet());
            }
            wanted.put(layer, named.get(layer));
        }
        ModelProto extractor = FeatureExtractor.extract(imported, wanted, ImagePreprocessing.caffe(), false);
        Map<String, ReceptiveField> fields = new LinkedHashMap<>();
        for (String layer : wanted.keySet()) {
            fields.put(layer, ReceptiveFields.of(extractor.getGraph(), FeatureExtractor.IMAGE, layer));
        }
        Files.createDirectories(workFolder);
        Path file = workFolder.resolve("resnet50_" + String.join("_", wanted.keySet()) + ".onnx");
        OnnxModels.write(extractor, file);
        return new LayerExtractor(
                "resnet50",
                fields,
                OnnxModel.open(file, InferenceOptions.builder().warmUpRuns(0).build()));
    }

    public String network() {
        return network;
    }

    /** The layers in network order. */
    public List<String> layers() {
        return List.copyOf(fields.keySet());
    }

    public ReceptiveField field(String layer) {
        return fields.get(layer);
    }

    /** Every layer's activation map [1, C, h, w] for one image. */
    public Map<String, FloatTensor> run(InsightImage image) {
        return model.run(Map.of(FeatureExtractor.IMAGE, image.input()));
    }

    @Override
    public void close() {
        model.close();
    }
}
