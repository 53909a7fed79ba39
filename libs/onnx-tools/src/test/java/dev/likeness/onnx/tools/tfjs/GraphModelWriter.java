package dev.likeness.onnx.tools.tfjs;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Writes a TF.js graph model (model.json with {@code "format": "graph-model"} and one weight shard) as the
 * converter does: a GraphDef node list, attributes as JSON with base64 strings and integers as strings, and each
 * Const node's value in the weights manifest under the node's name.
 */
public final class GraphModelWriter {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ArrayNode nodes = JSON.createArrayNode();
    private final ArrayNode weights = JSON.createArrayNode();
    private final ByteArrayOutputStream shard = new ByteArrayOutputStream();

    /** A float32 input; -1 for an unknown size (the batch). */
    public GraphModelWriter placeholder(String name, long... shape) {
        ObjectNode dims = JSON.createObjectNode();
        ArrayNode dim = dims.putArray("dim");
        Arrays.stream(shape).forEach(size -> dim.addObject().put("size", Long.toString(size)));
        ObjectNode shapeAttribute = JSON.createObjectNode();
        shapeAttribute.set("shape", dims);
        return node(name, "Placeholder", List.of(), Map.of("dtype", type("DT_FLOAT"), "shape", shapeAttribute));
    }

    /** A float32 constant stored as float32. */
    public GraphModelWriter constant(String name, float[] values, long... shape) {
        ByteBuffer bytes = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(values);
        return weight(name, "DT_FLOAT", "float32", shape, bytes.array(), null);
    }

    /** A float32 constant stored as float16 halves; returns the values as the model holds them. */
    public float[] float16Constant(String name, float[] values, long... shape) {
        ByteBuffer bytes = ByteBuffer.allocate(values.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        float[] stored = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            short half = Float16.fromFloat(values[i]);
            bytes.putShort(half);
            stored[i] = TfjsLayersModel.halfToFloat(half);
        }
        ObjectNode quantization = JSON.createObjectNode().put("dtype", "float16");
        weight(name, "DT_FLOAT", "float32", shape, bytes.array(), quantization);
        return stored;
    }

    /** A float32 constant stored as uint8 or uint16 {@code q * scale + min}; returns the dequantised values. */
    public float[] quantisedConstant(String name, String storedType, float[] values, long... shape) {
        float min = Float.MAX_VALUE, max = -Float.MAX_VALUE;
        for (float value : values) {
            min = Math.min(min, value);
            max = Math.max(max, value);
        }
        int levels = storedType.equals("uint8") ? 255 : 65535;
        float scale = (max - min) / levels;
        ByteBuffer bytes =
                ByteBuffer.allocate(values.length * (levels == 255 ? 1 : 2)).order(ByteOrder.LITTLE_ENDIAN);
        float[] stored = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            int q = Math.round((values[i] - min) / scale);
            if (levels == 255) {
                bytes.put((byte) q);
            } else {
                bytes.putShort((short) q);
            }
            stored[i] = q * scale + min;
        }
        ObjectNode quantization = JSON.createObjectNode()
                .put("dtype", storedType)
                .put("scale", scale)
                .put("min", min);
        weight(name, "DT_FLOAT", "float32", shape, bytes.array(), quantization);
        return stored;
    }

    /** An int32 constant (shapes, axes, slice bounds). */
    public GraphModelWriter intConstant(String name, int[] values, long... shape) {
        ByteBuffer bytes = ByteBuffer.allocate(values.length * Integer.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asIntBuffer().put(values);
        return weight(name, "DT_INT32", "int32", shape, bytes.array(), null);
    }

    private GraphModelWriter weight(
            String name, String tfType, String dtype, long[] shape, byte[] bytes, ObjectNode quantization) {
        ObjectNode entry = weights.addObject().put("name", name).put("dtype", dtype);
        Arrays.stream(shape).forEach(entry.putArray("shape")::add);
        if (quantization != null) {
            entry.set("quantization", quantization);
        }
        shard.writeBytes(bytes);
        ObjectNode value = JSON.createObjectNode();
        value.putObject("tensor");
        return node(name, "Const", List.of(), Map.of("dtype", type(tfType), "value", value));
    }

    /** Any node; attribute values as made by the static helpers below ({@code T} is added as DT_FLOAT). */
    public GraphModelWriter node(String name, String op, List<String> inputs, Map<String, ObjectNode> attributes) {
        ObjectNode node = nodes.addObject().put("name", name).put("op", op);
        if (!inputs.isEmpty()) {
            inputs.forEach(node.putArray("input")::add);
        }
        ObjectNode attr = node.putObject("attr");
        if (!op.equals("Const") && !op.equals("Placeholder")) {
            attr.set("T", type("DT_FLOAT"));
        }
        attributes.forEach(attr::set);
        return this;
    }

    public GraphModelWriter node(String name, String op, String... inputs) {
        return node(name, op, List.of(inputs), Map.of());
    }

    /** Writes {@code model.json} and {@code weights.bin} into the folder; returns model.json. */
    public Path write(Path folder) throws IOException {
        ObjectNode root = JSON.createObjectNode()
                .put("format", "graph-model")
                .put("generatedBy", "2.x")
                .put("convertedBy", "likeness GraphModelWriter");
        ObjectNode topology = root.putObject("modelTopology");
        topology.set("node", nodes);
        topology.putObject("library");
        topology.putObject("versions");
        ObjectNode group = root.putArray("weightsManifest").addObject();
        group.putArray("paths").add("weights.bin");
        group.set("weights", weights);
        Files.createDirectories(folder);
        Files.write(folder.resolve("weights.bin"), shard.toByteArray());
        Path modelJson = folder.resolve("model.json");
        JSON.writerWithDefaultPrettyPrinter().writeValue(modelJson.toFile(), root);
        return modelJson;
    }

    public static ObjectNode type(String tfType) {
        return JSON.createObjectNode().put("type", tfType);
    }

    public static ObjectNode string(String value) {
        return JSON.createObjectNode().put("s", base64(value));
    }

    public static ObjectNode strings(String... values) {
        ObjectNode attribute = JSON.createObjectNode();
        ArrayNode list = attribute.putObject("list").putArray("s");
        Arrays.stream(values).forEach(value -> list.add(base64(value)));
        return attribute;
    }

    public static ObjectNode integer(long value) {
        return JSON.createObjectNode().put("i", Long.toString(value));
    }

    public static ObjectNode integers(long... values) {
        ObjectNode attribute = JSON.createObjectNode();
        ArrayNode list = attribute.putObject("list").putArray("i");
        Arrays.stream(values).forEach(value -> list.add(Long.toString(value)));
        return attribute;
    }

    public static ObjectNode bool(boolean value) {
        return JSON.createObjectNode().put("b", value);
    }

    public static ObjectNode real(double value) {
        return JSON.createObjectNode().put("f", value);
    }

    private static String base64(String value) {
        return Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
    }

    /** float to IEEE 754 binary16, round to nearest even (Float.floatToFloat16 arrived only in Java 20). */
    static final class Float16 {

        private Float16() {}

        static short fromFloat(float value) {
            int bits = Float.floatToIntBits(value);
            int sign = (bits >>> 16) & 0x8000;
            int exponent = ((bits >>> 23) & 0xff) - 127 + 15;
            int mantissa = bits & 0x7fffff;
            if (exponent <= 0) {
                // Subnormal halves: the test values stay well above 2^-14, so they round to zero here.
                return (short) sign;
            }
            if (exponent >= 31) {
                return (short) (sign | 0x7c00);
            }
            int half = sign | (exponent << 10) | (mantissa >>> 13);
            int rest = mantissa & 0x1fff;
            if (rest > 0x1000 || (rest == 0x1000 && (half & 1) == 1)) {
                half++;
            }
            return (short) half;
        }
    }
}
