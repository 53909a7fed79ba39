package dev.likeness.learning.adaptation;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import dev.likeness.onnx.model.GraphProto;
import dev.likeness.onnx.model.ModelProto;
import dev.likeness.onnx.model.NodeProto;
import dev.likeness.onnx.model.StringStringEntryProto;
import dev.likeness.onnx.model.ValueInfoProto;
import dev.likeness.onnx.tools.BatchVariants;
import dev.likeness.onnx.tools.OnnxModels;
import dev.likeness.onnx.tools.graph.Attributes;
import dev.likeness.onnx.tools.graph.GraphBuilder;
import dev.likeness.onnx.tools.graph.Graphs;

/**
 * The base embedding network and the trained head as one ONNX model, so the embedding service runs the
 * adapted embedding with no code: base output -> L2 normalisation -> MatMul W^T -> Add b -> L2
 * normalisation, written to the base model's output name (the service's {@code outputs} setting stays).
 */
public final class AdaptedModelExport {

    /** Metadata keys of the exported model. */
    public static final String MODEL_ID_KEY = "likeness.model.id";

    public static final String BASE_MODEL_KEY = "likeness.adapted.base";

    private AdaptedModelExport() {}

    public static ModelProto adapted(ModelProto base, LinearHead head, String modelId, String baseDescription) {
        GraphProto.Builder graph = base.getGraph().toBuilder();
        if (graph.getOutputCount() != 1) {
            throw new IllegalArgumentException(
                    "the base model must have one output (the embedding), it has " + graph.getOutputCount());
        }
        ValueInfoProto output = graph.getOutput(0);
        String outputName = output.getName();
        GraphBuilder builder = new GraphBuilder(graph);
        // The base's output value is renamed so that the adapted embedding can take over its name.
        String baseOutput = builder.fresh(outputName + "_base");
        for (NodeProto.Builder node : graph.getNodeBuilderList()) {
            for (int i = 0; i < node.getOutputCount(); i++) {
                if (node.getOutput(i).equals(outputName)) {
                    node.setOutput(i, baseOutput);
                }
            }
            for (int i = 0; i < node.getInputCount(); i++) {
                if (node.getInput(i).equals(outputName)) {
                    node.setInput(i, baseOutput);
                }
            }
        }
        // The head was trained on unit embeddings, as the pipeline delivers them.
        String unit = builder.node(
                "LpNormalization", List.of(baseOutput), "base_unit", Attributes.of("axis", -1), Attributes.of("p", 2));
        String weights = builder.floats("head_weights_t", head.transposedWeights(), head.inputs(), head.outputs());
        String bias = builder.floats("head_bias", head.biasValues(), head.outputs());
        String projected = builder.node("MatMul", List.of(unit, weights), "head_projected");
        String shifted = builder.node("Add", List.of(projected, bias), "head_linear");
        builder.nodeWithOutputs(
                "LpNormalization",
                List.of(shifted),
                List.of(outputName),
                Attributes.of("axis", -1),
                Attributes.of("p", 2));
        graph.setOutput(0, Graphs.floatValue(outputName, BatchVariants.BATCH_DIM, (long) head.outputs()));

        ModelProto.Builder model = base.toBuilder().setGraph(graph).setProducerName(Graphs.PRODUCER);
        for (Map.Entry<String, String> entry :
                Map.of(MODEL_ID_KEY, modelId, BASE_MODEL_KEY, baseDescription).entrySet()) {
            model.addMetadataProps(
                    StringStringEntryProto.newBuilder().setKey(entry.getKey()).setValue(entry.getValue()));
        }
        return model.build();
    }

    public static Path write(Path baseModel, LinearHead head, String modelId, String baseDescription, Path file) {
        try {
            OnnxModels.write(adapted(OnnxModels.read(baseModel), head, modelId, baseDescription), file);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot export the adapted model to " + file, e);
        }
    }
}
