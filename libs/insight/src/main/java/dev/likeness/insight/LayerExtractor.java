package dev.likeness.insight;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.likeness.core.onnx.FloatTensor;
import dev.likeness.core.onnx.InferenceOptions;
import dev.likeness.core.onnx.OnnxModel;
import dev.likeness.face.EmbeddingSpec;
import dev.likeness.face.ModelSpec;
import dev.likeness.onnx.model.ModelProto;
import dev.likeness.onnx.model.NodeProto;
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

    /** The activations a face network's stem may end with (dlib's ReLU, fr_feature's PReLU). */
    private static final Set<String> ACTIVATIONS = Set.of("Relu", "PRelu", "LeakyRelu");

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
        return open("resnet50", extractor, wanted.keySet(), workFolder);
    }

    private static LayerExtractor open(String network, ModelProto extractor, Iterable<String> layers, Path workFolder)
            throws IOException {
        Map<String, ReceptiveField> fields = new LinkedHashMap<>();
        for (String layer : layers) {
            fields.put(layer, ReceptiveFields.of(extractor.getGraph(), FeatureExtractor.IMAGE, layer));
        }
        Files.createDirectories(workFolder);
        Path file = workFolder.resolve(network + "_" + String.join("_", fields.keySet()) + ".onnx");
        OnnxModels.write(extractor, file);
        return new LayerExtractor(
                network,
                fields,
                OnnxModel.open(file, InferenceOptions.builder().warmUpRuns(0).build()));
    }

    /**
     * A face recognition network cut after the given layers, written to {@code workFolder} and opened. Its layers
     * are named by {@link #faceLayers}; the pixels it takes are RGB 0..255 of a face aligned for it
     * ({@link AlignedFaces}), its own input normalisation being the extractor's first node.
     *
     * @throws IllegalArgumentException for an unknown layer, naming the known ones
     */
    public static LayerExtractor faceNetwork(EmbeddingSpec.Network network, List<String> layers, Path workFolder)
            throws IOException {
        ModelSpec spec = network.model();
        ModelProto source = OnnxModels.read(spec.path());
        Map<String, String> named = faceLayers(source);
        if (layers.isEmpty()) {
            throw new IllegalArgumentException("No layers given; " + spec.id() + "'s are " + named.keySet());
        }
        Map<String, String> wanted = new LinkedHashMap<>();
        for (String layer : layers) {
            if (!named.containsKey(layer)) {
                throw new IllegalArgumentException(
                        spec.id() + " has no layer '" + layer + "'; its layers are " + named.keySet());
            }
            wanted.put(layer, named.get(layer));
        }
        ModelProto extractor =
                FeatureExtractor.extract(source, wanted, MatchSaliency.preprocessing(spec.encoding()), false);
        return open(spec.id(), extractor, wanted.keySet(), workFolder);
    }

    /**
     * A face network's layers by name: {@code stem}, the first activation (after its first convolution), then
     * {@code block1}..{@code blockN}, the outputs of its residual additions in graph order.
     */
    public static Map<String, String> faceLayers(ModelProto network) {
        Map<String, String> layers = new LinkedHashMap<>();
        network.getGraph().getNodeList().stream()
                .filter(node -> ACTIVATIONS.contains(node.getOpType()))
                .findFirst()
                .ifPresent(node -> layers.put("stem", node.getOutput(0)));
        List<NodeProto> additions = network.getGraph().getNodeList().stream()
                .filter(node -> node.getOpType().equals("Add"))
                .toList();
        for (int block = 0; block < additions.size(); block++) {
            layers.put("block" + (block + 1), additions.get(block).getOutput(0));
        }
        return layers;
    }

    /**
     * The default layers of a face network, Zeiler and Fergus' levels as on ResNet-50: the stem, and the last block
     * at every resolution (before the network halves it again), read off the receptive fields' strides.
     */
    public static List<String> faceDefaultLayers(EmbeddingSpec.Network network) throws IOException {
        ModelProto source = OnnxModels.read(network.model().path());
        String input = source.getGraph().getInput(0).getName();
        List<String> defaults = new ArrayList<>();
        long lastStride = -1;
        String lastBlock = null;
        for (Map.Entry<String, String> layer : faceLayers(source).entrySet()) {
            if (layer.getKey().equals("stem")) {
                defaults.add(layer.getKey());
                continue;
            }
            long stride = ReceptiveFields.of(source.getGraph(), input, layer.getValue())
                    .rows()
                    .stride();
            if (lastBlock != null && stride != lastStride) {
                defaults.add(lastBlock);
            }
            lastStride = stride;
            lastBlock = layer.getKey();
        }
        if (lastBlock != null) {
            defaults.add(lastBlock);
        }
        return defaults;
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
