package dev.likeness.onnx.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.likeness.onnx.model.GraphProto;
import dev.likeness.onnx.model.ModelProto;
import dev.likeness.onnx.model.NodeProto;
import dev.likeness.onnx.model.TensorProto;
import dev.likeness.onnx.model.TensorShapeProto;
import dev.likeness.onnx.model.TypeProto;
import dev.likeness.onnx.model.ValueInfoProto;

/** The rewrites on a hand-built graph, x[1,2,3] -> Reshape(x, [1,-1]) -> y[1,6]; no model files needed. */
class BatchVariantsRewriteTest {

    @Test
    void leadingDimsBecomeSymbolicAndTheFlattenTargetKeepsTheBatch() {
        GraphProto graph = flattenGraph().build();

        GraphProto batched = BatchVariants.batchVariant(model(graph)).getGraph();

        assertThat(dims(batched.getInput(0))).containsExactly("N", "2", "3");
        assertThat(batched.getInput(1).hasType())
                .as("no shape must not become a scalar shape")
                .isFalse();
        assertThat(dims(batched.getOutput(0))).containsExactly("N", "6");
        assertThat(dims(batched.getValueInfo(0))).containsExactly("N", "2", "3");
        assertThat(dims(batched.getValueInfo(1)))
                .as("a shape vector is not a batch")
                .containsExactly("2");
        assertThat(BatchVariants.int64Values(batched.getInitializer(0))).containsExactly(-1, 6);
    }

    @Test
    void aSharedFlattenTargetIsRefused() {
        GraphProto.Builder graph = flattenGraph()
                .addNode(NodeProto.newBuilder()
                        .setOpType("Shape")
                        .addInput("target")
                        .addOutput("unused"));

        assertThatThrownBy(() -> BatchVariants.batchVariant(model(graph.build())))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("shared");
    }

    private static GraphProto.Builder flattenGraph() {
        return GraphProto.newBuilder()
                .addNode(NodeProto.newBuilder()
                        .setOpType("Reshape")
                        .addInput("x")
                        .addInput("target")
                        .addOutput("y"))
                .addInitializer(TensorProto.newBuilder()
                        .setName("target")
                        .setDataType(TensorProto.DataType.INT64_VALUE)
                        .addDims(2)
                        .addAllInt64Data(List.of(1L, -1L)))
                .addInput(floatValue("x", 1, 2, 3))
                .addInput(ValueInfoProto.newBuilder().setName("unknown_rank"))
                .addOutput(floatValue("y", 1, 6))
                .addValueInfo(floatValue("x_hint", 1, 2, 3))
                .addValueInfo(floatValue("shape_hint", 2));
    }

    private static ModelProto model(GraphProto graph) {
        return ModelProto.newBuilder().setIrVersion(7).setGraph(graph).build();
    }

    private static ValueInfoProto floatValue(String name, long... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (long dim : dims) {
            shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(dim));
        }
        return ValueInfoProto.newBuilder()
                .setName(name)
                .setType(TypeProto.newBuilder()
                        .setTensorType(TypeProto.Tensor.newBuilder()
                                .setElemType(TensorProto.DataType.FLOAT_VALUE)
                                .setShape(shape)))
                .build();
    }

    private static List<String> dims(ValueInfoProto value) {
        return value.getType().getTensorType().getShape().getDimList().stream()
                .map(dim -> dim.hasDimValue() ? Long.toString(dim.getDimValue()) : dim.getDimParam())
                .toList();
    }
}
