package dev.likeness.onnx.tools.tfjs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.likeness.onnx.tools.TestFolders;

/**
 * Reference outputs from the pure-JavaScript {@code @tensorflow/tfjs} (CPU backend) in node, through the harness
 * {@code libs/onnx-tools/tfjs-reference/run.js} (the build installs its pinned packages with
 * {@code npm ci --ignore-scripts}). Tensors cross as little-endian float32 files; see run.js for the protocol.
 */
public final class TfjsReference {

    /** Generous: the CPU backend needs a few seconds per 224 px image; a hung node is a failure, not a wait. */
    private static final long TIMEOUT_MINUTES = 10;

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A row-major tensor in TF.js order (NHWC for images). */
    public record Tensor(long[] shape, float[] values) {

        public Tensor {
            if (Arrays.stream(shape).reduce(1, Math::multiplyExact) != values.length) {
                throw new IllegalArgumentException(
                        values.length + " values do not fill shape " + Arrays.toString(shape));
            }
        }
    }

    private TfjsReference() {}

    /** Runs a TF.js graph model and returns the named nodes' outputs (internal nodes too), by name. */
    public static Map<String, Tensor> runGraphModel(Path modelJson, Map<String, Tensor> inputs, List<String> outputs)
            throws IOException, InterruptedException {
        return run("graph-model", modelJson, inputs, outputs, JSON.createObjectNode());
    }

    /**
     * Runs a runner module (see run.js: {@code async run({tf, inputs, outputs, options, ...})}) that builds or loads
     * any TF.js model, e.g. a library's network, and returns its named outputs.
     */
    public static Map<String, Tensor> runModule(
            Path runnerModule, Map<String, Tensor> inputs, List<String> outputs, ObjectNode options)
            throws IOException, InterruptedException {
        return run(runnerModule.toAbsolutePath().toString(), null, inputs, outputs, options);
    }

    private static Map<String, Tensor> run(
            String runner, Path modelJson, Map<String, Tensor> inputs, List<String> outputs, ObjectNode options)
            throws IOException, InterruptedException {
        Path work = Files.createTempDirectory("tfjs-reference");
        try {
            ObjectNode request = JSON.createObjectNode();
            request.put("runner", runner);
            if (modelJson != null) {
                request.put("model", modelJson.toAbsolutePath().toString());
            }
            ObjectNode inputSpecs = request.putObject("inputs");
            int index = 0;
            for (Map.Entry<String, Tensor> input : inputs.entrySet()) {
                String file = "input" + index++ + ".bin";
                Files.write(work.resolve(file), littleEndian(input.getValue().values()));
                ObjectNode spec = inputSpecs.putObject(input.getKey());
                Arrays.stream(input.getValue().shape()).forEach(spec.putArray("shape")::add);
                spec.put("dtype", "float32").put("file", file);
            }
            outputs.forEach(request.putArray("outputs")::add);
            request.put("outputDir", "out");
            request.set("options", options);
            Path requestFile = work.resolve("request.json");
            JSON.writeValue(requestFile.toFile(), request);

            Path log = work.resolve("node.log");
            Process node = new ProcessBuilder(
                            "node", harness().resolve("run.js").toString(), requestFile.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            if (!node.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                node.destroyForcibly();
                throw new IllegalStateException("tfjs-reference did not finish within " + TIMEOUT_MINUTES + " minutes");
            }
            if (node.exitValue() != 0) {
                throw new IllegalStateException("tfjs-reference failed (exit " + node.exitValue() + "):\n"
                        + Files.readString(log, StandardCharsets.UTF_8));
            }
            return readOutputs(work.resolve("out"));
        } finally {
            TestFolders.deleteRecursively(work);
        }
    }

    private static Map<String, Tensor> readOutputs(Path folder) throws IOException {
        JsonNode written =
                JSON.readTree(folder.resolve("outputs.json").toFile()).get("outputs");
        Map<String, Tensor> outputs = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> output : written.properties()) {
            JsonNode spec = output.getValue();
            long[] shape = new long[spec.get("shape").size()];
            for (int axis = 0; axis < shape.length; axis++) {
                shape[axis] = spec.get("shape").get(axis).asLong();
            }
            ByteBuffer bytes = ByteBuffer.wrap(
                            Files.readAllBytes(folder.resolve(spec.get("file").asText())))
                    .order(ByteOrder.LITTLE_ENDIAN);
            float[] values = new float[bytes.remaining() / Float.BYTES];
            boolean integers = spec.get("dtype").asText().equals("int32");
            for (int i = 0; i < values.length; i++) {
                values[i] = integers ? bytes.getInt() : bytes.getFloat();
            }
            outputs.put(output.getKey(), new Tensor(shape, values));
        }
        return outputs;
    }

    /** The harness folder: {@code likeness.tfjs.reference.dir} (set by the onnx-tools pom), else ./tfjs-reference. */
    public static Path harness() {
        Path folder = Path.of(System.getProperty("likeness.tfjs.reference.dir", "tfjs-reference"));
        if (!Files.isDirectory(folder.resolve("node_modules/@tensorflow/tfjs"))) {
            throw new IllegalStateException(
                    "@tensorflow/tfjs is not installed in " + folder.toAbsolutePath()
                            + ": the build runs its install.sh (npm ci --ignore-scripts) before the tests; run it by hand otherwise");
        }
        return folder;
    }

    private static byte[] littleEndian(float[] values) {
        ByteBuffer bytes = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(values);
        return bytes.array();
    }
}
