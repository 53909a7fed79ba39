package dev.likeness.insight;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.likeness.core.image.TensorEncoding;
import dev.likeness.core.onnx.FloatInput;
import dev.likeness.core.onnx.FloatTensor;
import dev.likeness.core.onnx.InferenceOptions;
import dev.likeness.core.onnx.OnnxModel;
import dev.likeness.face.EmbeddingSpec;
import dev.likeness.face.ModelSpec;
import dev.likeness.onnx.model.GraphProto;
import dev.likeness.onnx.model.ModelProto;
import dev.likeness.onnx.model.OperatorSetIdProto;
import dev.likeness.onnx.tools.OnnxModels;
import dev.likeness.onnx.tools.extract.FeatureExtractor;
import dev.likeness.onnx.tools.extract.ImagePreprocessing;
import dev.likeness.onnx.tools.grad.Autodiff;
import dev.likeness.onnx.tools.graph.Attributes;
import dev.likeness.onnx.tools.graph.GraphBuilder;
import dev.likeness.onnx.tools.graph.Graphs;

/**
 * Why two faces match: the gradient of d = ||f(x1) - f(x2)||² (f the L2-normalised embedding, as matching uses it)
 * with respect to each aligned face's pixels, generated as one ONNX graph by the toolkit's {@link Autodiff}. Its
 * magnitude per pixel is the saliency: where a change of the face would change the distance most.
 */
public final class MatchSaliency implements AutoCloseable {

    static final String OTHER = "other_embedding";
    static final String EMBEDDING = "embedding";
    static final String DISTANCE = "d";
    static final String GRADIENT = "grad_image";

    static final int DISPLAY_BLUR = 7;

    /** Operators whose meaning is the same from opset 9 to 17, so an opset 9 network can run at opset 17. */
    private static final Set<String> SAME_SINCE_OPSET_9 =
            Set.of("Conv", "Relu", "PRelu", "Add", "Sub", "Mul", "Reshape", "BatchNormalization", "Identity", "MatMul");

    /** A verification explained: the distance, each face's gradient (NCHW, like the faces) and saliency map. */
    public record Explanation(
            float distance, float[] gradientA, float[] gradientB, float[] saliencyA, float[] saliencyB) {}

    private final EmbeddingSpec.Network network;
    private final int dimension;
    private final OnnxModel model;

    private MatchSaliency(EmbeddingSpec.Network network, int dimension, OnnxModel model) {
        this.network = network;
        this.dimension = dimension;
        this.model = model;
    }

    /**
     * Generates the distance-and-gradient graph of one recognition network into {@code workFolder} and opens it.
     *
     * @throws dev.likeness.onnx.tools.grad.UnsupportedOperatorException when the network has an operator the
     *     generator cannot differentiate
     */
    public static MatchSaliency of(EmbeddingSpec.Network network, Path workFolder) throws IOException {
        ModelSpec spec = network.model();
        ModelProto source = OnnxModels.read(spec.path());
        String raw = "raw_" + EMBEDDING;
        ModelProto extractor = FeatureExtractor.extract(
                source, Map.of(raw, spec.outputNames().get(0)), preprocessing(spec.encoding()), false);
        int dimension = (int) extractor
                .getGraph()
                .getOutput(0)
                .getType()
                .getTensorType()
                .getShape()
                .getDim(1)
                .getDimValue();

        GraphProto.Builder graph = extractor.getGraph().toBuilder().clearOutput();
        GraphBuilder builder = new GraphBuilder(graph);
        String squares = builder.node("Mul", List.of(raw, raw), "squares");
        String norm = builder.node(
                "Sqrt",
                List.of(builder.node(
                        "ReduceSum",
                        List.of(squares, builder.longs("axes", 1)),
                        "norm_squared",
                        Attributes.of("keepdims", 1))),
                "norm");
        builder.nodeWithOutputs("Div", List.of(raw, norm), List.of(builder.exact(EMBEDDING)));
        String difference = builder.node("Sub", List.of(EMBEDDING, OTHER), "difference");
        builder.nodeWithOutputs(
                "ReduceSum",
                List.of(builder.node("Mul", List.of(difference, difference), "difference_squared")),
                List.of(builder.exact(DISTANCE)),
                Attributes.of("keepdims", 0));
        graph.addInput(Graphs.floatValue(OTHER, 1, dimension));
        Autodiff.appendGradient(graph, FeatureExtractor.IMAGE, DISTANCE, GRADIENT);
        graph.addOutput(Graphs.floatValue(EMBEDDING, 1, dimension));
        graph.addOutput(Graphs.floatValue(DISTANCE));
        graph.addOutput(Graphs.floatValue(GRADIENT, 1, 3, "H", "W"));

        Files.createDirectories(workFolder);
        Path file = workFolder.resolve(spec.id() + "_match_saliency.onnx");
        // The appended nodes are opset 17 (ReduceSum takes its axes as an input); an older network's operators must
        // mean the same there.
        for (var node : source.getGraph().getNodeList()) {
            if (Graphs.defaultOpset(source) < 13 && !SAME_SINCE_OPSET_9.contains(node.getOpType())) {
                throw new IllegalArgumentException(spec.id() + " uses opset " + Graphs.defaultOpset(source) + " and "
                        + node.getOpType() + ", whose meaning changed by opset 17: re-export it with opset 17");
            }
        }
        ModelProto model = extractor.toBuilder()
                .setIrVersion(Graphs.IR_VERSION)
                .clearOpsetImport()
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(Graphs.OPSET))
                .setGraph(graph)
                .build();
        OnnxModels.write(model, file);
        return new MatchSaliency(
                network,
                dimension,
                OnnxModel.open(file, InferenceOptions.builder().warmUpRuns(0).build()));
    }

    public EmbeddingSpec.Network network() {
        return network;
    }

    /** The L2-normalised embedding of an aligned face. */
    public float[] embedding(InsightImage face) {
        return run(face, new float[dimension]).get(EMBEDDING).data();
    }

    /** The squared distance between the embeddings of two aligned faces. */
    public float distance(InsightImage a, InsightImage b) {
        return run(a, embedding(b)).get(DISTANCE).data()[0];
    }

    public Explanation explain(InsightImage a, InsightImage b) {
        float[] embeddingA = embedding(a), embeddingB = embedding(b);
        Map<String, FloatTensor> fromA = run(a, embeddingB);
        float[] gradientA = fromA.get(GRADIENT).data();
        float[] gradientB = run(b, embeddingA).get(GRADIENT).data();
        return new Explanation(
                fromA.get(DISTANCE).data()[0], gradientA, gradientB, saliency(gradientA, a), saliency(gradientB, b));
    }

    /** Per pixel, the gradient's length over the three colour channels. */
    static float[] saliency(float[] gradient, InsightImage face) {
        return saliency(gradient, face.width(), face.height());
    }

    /** The same for a gradient of {@code width} x {@code height} planes. */
    static float[] saliency(float[] gradient, int width, int height) {
        int plane = width * height;
        float[] map = new float[plane];
        for (int p = 0; p < plane; p++) {
            float red = gradient[p], green = gradient[plane + p], blue = gradient[2 * plane + p];
            map[p] = (float) Math.sqrt(red * red + green * green + blue * blue);
        }
        return map;
    }

    /**
     * Writes {@code saliency.png}: face A, its saliency, face B, its saliency (each map scaled by its own peak, after a
     * {@value #DISPLAY_BLUR} px box blur: the raw gradient is speckled by the ReLUs and strided kernels, and regions
     * are what the picture should show).
     */
    public static void write(Explanation explanation, InsightImage a, InsightImage b, Path file) throws IOException {
        BufferedImage pictureA = a.toImage(), pictureB = b.toImage();
        HeatMaps.writeRow(
                List.of(
                        pictureA,
                        HeatMaps.saliency(pictureA, explanation.saliencyA(), DISPLAY_BLUR),
                        pictureB,
                        HeatMaps.saliency(pictureB, explanation.saliencyB(), DISPLAY_BLUR)),
                file);
    }

    private Map<String, FloatTensor> run(InsightImage face, float[] other) {
        return model.run(Map.of(
                FeatureExtractor.IMAGE, face.input(), OTHER, FloatInput.of(FloatBuffer.wrap(other), 1, dimension)));
    }

    /** The network's input encoding, (v - mean) / std per channel of RGB 0..255, as the extractor's 1x1 Conv. */
    static ImagePreprocessing preprocessing(TensorEncoding encoding) {
        int[] source =
                switch (encoding.channels()) {
                    case RGB -> new int[] {0, 1, 2};
                    case BGR -> new int[] {2, 1, 0};
                    case GREY -> throw new IllegalArgumentException("Saliency needs a colour network");
                };
        float[] scale = new float[3], offset = new float[3];
        for (int channel = 0; channel < 3; channel++) {
            scale[channel] = 1 / encoding.std()[channel];
            offset[channel] = -encoding.mean()[channel] / encoding.std()[channel];
        }
        return new ImagePreprocessing(encoding.toString(), source, scale, offset);
    }

    @Override
    public void close() {
        model.close();
    }
}
