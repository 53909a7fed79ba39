package dev.likeness.onnx.tools.tfjs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.likeness.onnx.tools.tfjs.TfjsLayersModel.Weight;

/**
 * A TF.js graph model as {@code tfjs.converters} writes it ({@code "format": "graph-model"}): a TensorFlow GraphDef
 * node list in topological order (attributes as JSON: strings base64, integers as strings) and a weights manifest
 * holding the value of every Const node under the node's name, decoded like a layers model's weights.
 *
 * @param nodes   in the file's (topological) order
 * @param weights the Const nodes' values by node name, as float32 (int32 constants too: they are small shapes,
 *                axes and slice bounds, exact in float)
 */
public record TfjsGraphModel(List<Node> nodes, Map<String, Weight> weights) {

    /**
     * One GraphDef node.
     *
     * @param inputs the names of the nodes whose (first) output it reads, in order; control inputs left out
     */
    public record Node(String name, String op, List<String> inputs, JsonNode attributes) {

        public String string(String attribute, String fallback) {
            JsonNode value = attributes.path(attribute).get("s");
            return value == null ? fallback : decode(value.asText());
        }

        public long integer(String attribute, long fallback) {
            JsonNode value = attributes.path(attribute).get("i");
            return value == null ? fallback : Long.parseLong(value.asText());
        }

        public boolean bool(String attribute, boolean fallback) {
            JsonNode value = attributes.path(attribute).get("b");
            return value == null ? fallback : value.asBoolean();
        }

        public String type(String attribute) {
            return attributes.path(attribute).path("type").asText("");
        }

        /** An integer list attribute (e.g. strides), empty when absent. */
        public long[] integers(String attribute) {
            JsonNode list = attributes.path(attribute).path("list").path("i");
            long[] values = new long[list.size()];
            for (int index = 0; index < values.length; index++) {
                values[index] = Long.parseLong(list.get(index).asText());
            }
            return values;
        }

        /** A string list attribute (e.g. fused_ops), empty when absent. */
        public List<String> strings(String attribute) {
            List<String> values = new ArrayList<>();
            attributes.path(attribute).path("list").path("s").forEach(value -> values.add(decode(value.asText())));
            return values;
        }

        /** The Placeholder's declared shape, -1 for unknown sizes. */
        public long[] shape() {
            JsonNode dims = attributes.path("shape").path("shape").path("dim");
            long[] shape = new long[dims.size()];
            for (int axis = 0; axis < shape.length; axis++) {
                shape[axis] = Long.parseLong(dims.get(axis).path("size").asText("-1"));
            }
            return shape;
        }

        private static String decode(String base64) {
            return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
        }
    }

    public static TfjsGraphModel read(Path modelJson) throws IOException {
        JsonNode root = new ObjectMapper().readTree(modelJson.toFile());
        if (!root.path("format").asText().equals("graph-model")) {
            throw new IllegalArgumentException(modelJson + " is not a TF.js graph model (\"format\": \"graph-model\")");
        }
        List<Node> nodes = new ArrayList<>();
        for (JsonNode node : root.path("modelTopology").path("node")) {
            List<String> inputs = new ArrayList<>();
            for (JsonNode input : node.path("input")) {
                String reference = input.asText();
                if (reference.startsWith("^")) {
                    continue;
                }
                inputs.add(nodeName(reference));
            }
            nodes.add(new Node(node.get("name").asText(), node.get("op").asText(), inputs, node.path("attr")));
        }
        return new TfjsGraphModel(
                nodes,
                TfjsLayersModel.readWeights(modelJson.toAbsolutePath().getParent(), root.get("weightsManifest")));
    }

    /** {@code node:0} names the node's first output; other outputs are not supported. */
    static String nodeName(String reference) {
        int colon = reference.lastIndexOf(':');
        if (colon < 0) {
            return reference;
        }
        if (!reference.substring(colon + 1).equals("0")) {
            throw new IllegalArgumentException(
                    "'" + reference + "' reads a second output of a node; only first outputs are supported");
        }
        return reference.substring(0, colon);
    }

    /** The nodes no other node reads, in graph order: the model's outputs when none are named. */
    public List<String> sinks() {
        Set<String> read = new HashSet<>();
        nodes.forEach(node -> read.addAll(node.inputs()));
        return nodes.stream()
                .filter(node -> !read.contains(node.name()) && !node.op().equals("Const"))
                .map(Node::name)
                .toList();
    }
}
