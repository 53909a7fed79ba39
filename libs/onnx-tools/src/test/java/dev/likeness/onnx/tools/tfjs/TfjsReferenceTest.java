package dev.likeness.onnx.tools.tfjs;

import static dev.likeness.onnx.tools.tfjs.GraphModelWriter.integers;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.likeness.onnx.tools.tfjs.TfjsReference.Tensor;

/** The node harness itself: a graph model's final and internal nodes, and a runner module, against values by hand. */
class TfjsReferenceTest {

    @TempDir
    Path folder;

    @Test
    void runsAGraphModelUpToAnyNode() throws Exception {
        Path modelJson = new GraphModelWriter()
                .placeholder("x", -1, 3)
                .constant("scale", new float[] {2, -1, 0.5f}, 3)
                .node("scaled", "Mul", "x", "scale")
                .node("y", "Relu", "scaled")
                .write(folder.resolve("model"));

        Map<String, Tensor> outputs = TfjsReference.runGraphModel(
                modelJson,
                Map.of("x", new Tensor(new long[] {2, 3}, new float[] {1, 2, 3, -1, -2, -3})),
                List.of("y", "scaled"));

        assertThat(outputs.get("y").shape()).containsExactly(2, 3);
        assertThat(outputs.get("y").values()).containsExactly(2, 0, 1.5f, 0, 2, 0);
        assertThat(outputs.get("scaled").values()).containsExactly(2, -2, 1.5f, -2, 2, -1.5f);
    }

    @Test
    void runsARunnerModuleThatLoadsTfjsItself() throws Exception {
        // A runner (as a library's network would be) that requires the harness's pinned tfjs on its own.
        Path runner = Files.writeString(folder.resolve("runner.js"), """
                const tf = require('@tensorflow/tfjs');
                module.exports = async ({ inputs, options }) => ({
                  sum: tf.add(inputs.x, options.offset),
                  version: tf.tensor([Number(tf.version.tfjs.split('.')[0])]),
                });
                """);
        ObjectNode options = new ObjectMapper().createObjectNode().put("offset", 10);

        Map<String, Tensor> outputs = TfjsReference.runModule(
                runner,
                Map.of("x", new Tensor(new long[] {2, 2}, new float[] {1, 2, 3, 4})),
                List.of("sum", "version"),
                options);

        assertThat(outputs.get("sum").values()).containsExactly(11, 12, 13, 14);
        assertThat(outputs.get("version").values()).containsExactly(4);
    }

    @Test
    void attributesAreReadAsTheConverterWritesThem() throws Exception {
        Path modelJson = new GraphModelWriter()
                .placeholder("x", -1, 2, 2, 1)
                .node(
                        "pooled",
                        "MaxPool",
                        List.of("x"),
                        Map.of(
                                "ksize",
                                integers(1, 2, 2, 1),
                                "strides",
                                integers(1, 2, 2, 1),
                                "padding",
                                GraphModelWriter.string("VALID"),
                                "data_format",
                                GraphModelWriter.string("NHWC")))
                .write(folder.resolve("pool"));

        Map<String, Tensor> outputs = TfjsReference.runGraphModel(
                modelJson,
                Map.of("x", new Tensor(new long[] {1, 2, 2, 1}, new float[] {1, 5, 3, 2})),
                List.of("pooled"));

        assertThat(outputs.get("pooled").shape()).containsExactly(1, 1, 1, 1);
        assertThat(outputs.get("pooled").values()).containsExactly(5);
    }
}
