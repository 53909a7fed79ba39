package dev.likeness.onnx.tools.tfjs;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A TF.js layers model as {@code tfjs.converters} writes it: {@code model.json} with the Keras topology and
 * a weights manifest, plus binary shards. Weights are decoded to float32, including the converter's
 * uint8/uint16 affine quantisation ({@code value = q * scale + min}) and float16.
 *
 * @param layers  in the topology's (topological) order
 * @param inputs  names of the input layers
 * @param outputs names of the output layers
 * @param weights by manifest name, e.g. {@code conv1/kernel}
 */
public record TfjsLayersModel(
        List<Layer> layers, List<String> inputs, List<String> outputs, Map<String, Weight> weights) {

    /**
     * One Keras layer.
     *
     * @param inbound names of the layers whose outputs it takes, in order
     */
    public record Layer(String name, String className, JsonNode config, List<String> inbound) {}

    /** A weight tensor in Keras layout (e.g. a Conv2D kernel is [kh, kw, in, out]). */
    public record Weight(String name, long[] shape, float[] values) {}

    public static TfjsLayersModel read(Path modelJson) throws IOException {
        JsonNode root = new ObjectMapper().readTree(modelJson.toFile());
        if (!root.has("modelTopology") || !root.has("weightsManifest")) {
            throw new IllegalArgumentException(
                    modelJson + " is not a TF.js layers model (no modelTopology/weightsManifest)");
        }
        if (root.path("format").asText("layers-model").equals("graph-model")) {
            throw new IllegalArgumentException(
                    modelJson + " is a TF.js graph model; only layers models can be imported");
        }
        JsonNode topology = root.get("modelTopology");
        JsonNode modelConfig = topology.has("model_config") ? topology.get("model_config") : topology;
        String className = modelConfig.path("class_name").asText();
        JsonNode config = modelConfig.get("config");
        Map<String, Weight> weights = readWeights(modelJson.toAbsolutePath().getParent(), root.get("weightsManifest"));
        return switch (className) {
            case "Model", "Functional" -> functional(config, weights);
            case "Sequential" -> sequential(config, weights);
            default ->
                throw new IllegalArgumentException("Unsupported model class '" + className + "' in " + modelJson);
        };
    }

    private static TfjsLayersModel functional(JsonNode config, Map<String, Weight> weights) {
        List<Layer> layers = new ArrayList<>();
        for (JsonNode layer : config.get("layers")) {
            String name = layer.get("name").asText();
            JsonNode inboundNodes = layer.path("inbound_nodes");
            if (inboundNodes.size() > 1) {
                throw new IllegalArgumentException(
                        "Layer '" + name + "' is called more than once (shared layer); not supported");
            }
            List<String> inbound = new ArrayList<>();
            if (inboundNodes.size() == 1) {
                for (JsonNode tensor : inboundNodes.get(0)) {
                    if (!tensor.isArray()) {
                        throw new IllegalArgumentException(
                                "Layer '" + name + "': inbound nodes in the Keras 3 format are not supported");
                    }
                    if (tensor.get(1).asInt() != 0 || tensor.get(2).asInt() != 0) {
                        throw new IllegalArgumentException(
                                "Layer '" + name + "' reads a second output of a layer; not supported");
                    }
                    inbound.add(tensor.get(0).asText());
                }
            }
            layers.add(new Layer(name, layer.get("class_name").asText(), layer.get("config"), inbound));
        }
        return new TfjsLayersModel(
                layers, names(config.get("input_layers")), names(config.get("output_layers")), weights);
    }

    /** A Sequential model: each layer reads the previous one; the first declares the input shape. */
    private static TfjsLayersModel sequential(JsonNode config, Map<String, Weight> weights) {
        JsonNode layerList = config.isArray() ? config : config.get("layers");
        List<Layer> layers = new ArrayList<>();
        String previous = null;
        for (JsonNode layer : layerList) {
            JsonNode layerConfig = layer.get("config");
            String name = layerConfig.get("name").asText();
            String className = layer.get("class_name").asText();
            if (previous == null && !className.equals("InputLayer")) {
                if (!layerConfig.has("batch_input_shape")) {
                    throw new IllegalArgumentException(
                            "The first layer of the Sequential model declares no batch_input_shape");
                }
                layers.add(new Layer(name + "_input", "InputLayer", layerConfig, List.of()));
                previous = name + "_input";
            }
            layers.add(new Layer(name, className, layerConfig, previous == null ? List.of() : List.of(previous)));
            previous = name;
        }
        return new TfjsLayersModel(layers, List.of(layers.get(0).name()), List.of(previous), weights);
    }

    private static List<String> names(JsonNode tensors) {
        List<String> names = new ArrayList<>();
        tensors.forEach(tensor -> names.add(tensor.get(0).asText()));
        return names;
    }

    /**
     * The weights of a bare TF.js weights manifest ({@code *-weights_manifest.json}: the groups alone, no
     * topology, as face-api ships its networks); shards are looked up next to the manifest.
     */
    public static Map<String, Weight> readWeightsManifest(Path manifestJson) throws IOException {
        return readWeights(
                manifestJson.toAbsolutePath().getParent(), new ObjectMapper().readTree(manifestJson.toFile()));
    }

    /**
     * Each manifest group's shards are one byte stream holding its weights back to back; also read by
     * {@link TfjsGraphModel}, whose manifest has the same form.
     */
    static Map<String, Weight> readWeights(Path folder, JsonNode manifest) throws IOException {
        Map<String, Weight> weights = new LinkedHashMap<>();
        for (JsonNode group : manifest) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            for (JsonNode path : group.get("paths")) {
                bytes.write(Files.readAllBytes(folder.resolve(path.asText())));
            }
            ByteBuffer buffer = ByteBuffer.wrap(bytes.toByteArray()).order(ByteOrder.LITTLE_ENDIAN);
            for (JsonNode entry : group.get("weights")) {
                Weight weight = decode(entry, buffer);
                weights.put(weight.name(), weight);
            }
            if (buffer.hasRemaining()) {
                throw new IllegalArgumentException("Weight shards of group " + group.get("paths") + " hold "
                        + buffer.remaining() + " bytes more than the manifest describes");
            }
        }
        return weights;
    }

    private static Weight decode(JsonNode entry, ByteBuffer buffer) {
        String name = entry.get("name").asText();
        long[] shape = new long[entry.get("shape").size()];
        for (int axis = 0; axis < shape.length; axis++) {
            shape[axis] = entry.get("shape").get(axis).asLong();
        }
        long count = 1;
        for (long dim : shape) {
            count *= dim;
        }
        float[] values = new float[Math.toIntExact(count)];
        String dtype = entry.path("dtype").asText("float32");
        JsonNode quantization = entry.get("quantization");
        if (quantization != null) {
            String stored = quantization.get("dtype").asText();
            float scale = (float) quantization.path("scale").asDouble(1);
            float min = (float) quantization.path("min").asDouble(0);
            for (int index = 0; index < values.length; index++) {
                values[index] = switch (stored) {
                    case "uint8" -> (buffer.get() & 0xff) * scale + min;
                    case "uint16" -> (buffer.getShort() & 0xffff) * scale + min;
                    case "float16" -> halfToFloat(buffer.getShort());
                    default ->
                        throw new IllegalArgumentException("Weight " + name + ": unsupported quantization " + stored);
                };
            }
        } else {
            for (int index = 0; index < values.length; index++) {
                values[index] = switch (dtype) {
                    case "float32" -> buffer.getFloat();
                    case "int32" -> buffer.getInt();
                    default -> throw new IllegalArgumentException("Weight " + name + ": unsupported dtype " + dtype);
                };
            }
        }
        return new Weight(name, shape, values);
    }

    /** IEEE 754 binary16 to float (Float.float16ToFloat arrived only in Java 20). */
    static float halfToFloat(short bits) {
        int sign = (bits & 0x8000) << 16;
        int exponent = (bits >> 10) & 0x1f;
        int mantissa = bits & 0x3ff;
        if (exponent == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
        }
        if (exponent == 0) {
            float magnitude = mantissa * 0x1p-24f;
            return sign == 0 ? magnitude : -magnitude;
        }
        return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
    }

    /** The weight {@code <layer>/<parameter>}, also when the converter prefixed the model name. */
    public Weight weight(String layer, String parameter) {
        String name = layer + "/" + parameter;
        Weight exact = weights.get(name);
        if (exact != null) {
            return exact;
        }
        return weights.values().stream()
                .filter(weight -> weight.name().endsWith("/" + name))
                .findFirst()
                .orElseThrow(
                        () -> new IllegalArgumentException("Layer '" + layer + "' has no weight '" + parameter + "'"));
    }
}
