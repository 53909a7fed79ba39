package dev.likeness.stylising.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.likeness.onnx.model.AttributeProto;
import dev.likeness.onnx.model.GraphProto;
import dev.likeness.onnx.model.ModelProto;
import dev.likeness.onnx.model.NodeProto;
import dev.likeness.onnx.model.OperatorSetIdProto;
import dev.likeness.onnx.model.TensorProto;
import dev.likeness.onnx.model.TensorShapeProto;
import dev.likeness.onnx.model.TypeProto;
import dev.likeness.onnx.model.ValueInfoProto;

/**
 * A tiny image-to-image ONNX network built in code: a per-channel 3x3 box blur (zero padding) followed by a
 * colour inversion 255 - x, so its output is clearly not its input. Input and output RGB 0..255 NCHW, dynamic H, W.
 */
public final class BlurNetwork {

    private BlurNetwork() {}

    public static Path write(Path file) throws IOException {
        TensorProto.Builder kernel = TensorProto.newBuilder()
                .setName("kernel")
                .setDataType(TensorProto.DataType.FLOAT_VALUE)
                .addDims(3)
                .addDims(1)
                .addDims(3)
                .addDims(3);
        for (int i = 0; i < 27; i++) {
            kernel.addFloatData(1f / 9);
        }
        TensorProto full = TensorProto.newBuilder()
                .setName("full")
                .setDataType(TensorProto.DataType.FLOAT_VALUE)
                .addFloatData(255f)
                .build();
        NodeProto conv = NodeProto.newBuilder()
                .setOpType("Conv")
                .addInput("image")
                .addInput("kernel")
                .addOutput("blurred")
                .addAttribute(AttributeProto.newBuilder()
                        .setName("group")
                        .setType(AttributeProto.AttributeType.INT)
                        .setI(3))
                .addAttribute(AttributeProto.newBuilder()
                        .setName("pads")
                        .setType(AttributeProto.AttributeType.INTS)
                        .addInts(1)
                        .addInts(1)
                        .addInts(1)
                        .addInts(1))
                .addAttribute(AttributeProto.newBuilder()
                        .setName("kernel_shape")
                        .setType(AttributeProto.AttributeType.INTS)
                        .addInts(3)
                        .addInts(3))
                .build();
        NodeProto invert = NodeProto.newBuilder()
                .setOpType("Sub")
                .addInput("full")
                .addInput("blurred")
                .addOutput("stylised")
                .build();
        GraphProto graph = GraphProto.newBuilder()
                .setName("blur")
                .addNode(conv)
                .addNode(invert)
                .addInitializer(kernel)
                .addInitializer(full)
                .addInput(image("image"))
                .addOutput(image("stylised"))
                .build();
        ModelProto model = ModelProto.newBuilder()
                .setIrVersion(8)
                .setProducerName("likeness-stylising-test")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(17))
                .setGraph(graph)
                .build();
        Files.createDirectories(file.getParent());
        Files.write(file, model.toByteArray());
        return file;
    }

    /** A float image tensor 1x3xHxW with dynamic height and width, as the fast networks take and give. */
    public static ValueInfoProto image(String name) {
        TensorShapeProto shape = TensorShapeProto.newBuilder()
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(1))
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(3))
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("height"))
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("width"))
                .build();
        return ValueInfoProto.newBuilder()
                .setName(name)
                .setType(TypeProto.newBuilder()
                        .setTensorType(TypeProto.Tensor.newBuilder()
                                .setElemType(TensorProto.DataType.FLOAT_VALUE)
                                .setShape(shape)))
                .build();
    }
}
