package dev.likeness.onnx.tools.graph;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

import com.google.protobuf.ByteString;
import dev.likeness.onnx.model.AttributeProto;
import dev.likeness.onnx.model.NodeProto;
import dev.likeness.onnx.model.TensorProto;

/** Creates node attributes and reads them back with defaults. */
public final class Attributes {

    private Attributes() {}

    public static AttributeProto of(String name, long value) {
        return AttributeProto.newBuilder()
                .setName(name)
                .setType(AttributeProto.AttributeType.INT)
                .setI(value)
                .build();
    }

    public static AttributeProto of(String name, String value) {
        return AttributeProto.newBuilder()
                .setName(name)
                .setType(AttributeProto.AttributeType.STRING)
                .setS(ByteString.copyFrom(value, StandardCharsets.UTF_8))
                .build();
    }

    public static AttributeProto of(String name, TensorProto value) {
        return AttributeProto.newBuilder()
                .setName(name)
                .setType(AttributeProto.AttributeType.TENSOR)
                .setT(value)
                .build();
    }

    public static AttributeProto ints(String name, long... values) {
        AttributeProto.Builder attribute =
                AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        Arrays.stream(values).forEach(attribute::addInts);
        return attribute.build();
    }

    public static Optional<AttributeProto> find(NodeProto node, String name) {
        return node.getAttributeList().stream()
                .filter(attribute -> attribute.getName().equals(name))
                .findFirst();
    }

    public static long intValue(NodeProto node, String name, long defaultValue) {
        return find(node, name).map(AttributeProto::getI).orElse(defaultValue);
    }

    public static String stringValue(NodeProto node, String name, String defaultValue) {
        return find(node, name)
                .map(attribute -> attribute.getS().toStringUtf8())
                .orElse(defaultValue);
    }

    /** An INTS attribute, or {@code null} when the node does not set it. */
    public static long[] intsValue(NodeProto node, String name) {
        return find(node, name)
                .map(attribute -> attribute.getIntsList().stream()
                        .mapToLong(Long::longValue)
                        .toArray())
                .orElse(null);
    }

    /** An INTS attribute, or {@code count} copies of {@code fill} when the node does not set it. */
    public static long[] intsValue(NodeProto node, String name, int count, long fill) {
        long[] values = intsValue(node, name);
        if (values != null) {
            return values;
        }
        long[] filled = new long[count];
        Arrays.fill(filled, fill);
        return filled;
    }
}
