package dev.likeness.onnx.tools.grad;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import dev.likeness.core.onnx.FloatInput;
import dev.likeness.core.onnx.FloatTensor;
import dev.likeness.core.onnx.InferenceOptions;
import dev.likeness.core.onnx.OnnxModel;
import dev.likeness.onnx.model.ModelProto;
import dev.likeness.onnx.tools.OnnxModels;

/**
 * Compares the gradient a generated graph computes in ONNX Runtime (float32) with central finite
 * differences of its loss evaluated in float64 by {@link ReferenceEvaluator}, on sampled coordinates.
 */
final class GradientCheck {

    /** Coordinates whose gradient is at least this fraction of the largest are checked by relative error. */
    static final double SIGNIFICANT = 1e-2;

    /**
     * @param checked              coordinates compared by relative error
     * @param maxRelativeError     max |g - fd| / max(|g|, |fd|) over them
     * @param zeroChecked          coordinates where ONNX Runtime's gradient is exactly 0 (ReLU, max pooling)
     * @param maxZeroFdRelative    max |fd| / max|g| over those
     */
    record Report(int checked, double maxRelativeError, int zeroChecked, double maxZeroFdRelative, float[] gradient) {
        @Override
        public String toString() {
            return String.format(
                    "%d coordinates: max relative error %.2e; %d zero-gradient coordinates: max |fd|/max|g| %.2e",
                    checked, maxRelativeError, zeroChecked, maxZeroFdRelative);
        }
    }

    private GradientCheck() {}

    static Report check(
            ModelProto model,
            Map<String, DoubleTensor> inputs,
            String input,
            String loss,
            String gradientName,
            int samples,
            double step,
            long seed,
            Path temp)
            throws IOException {
        float[] gradient = runOrt(model, inputs, gradientName, temp);
        ReferenceEvaluator reference = new ReferenceEvaluator(model.getGraph());
        DoubleTensor point = inputs.get(input);

        double largest = 0;
        List<Integer> significant = new ArrayList<>();
        List<Integer> zero = new ArrayList<>();
        for (float value : gradient) {
            largest = Math.max(largest, Math.abs(value));
        }
        for (int index = 0; index < gradient.length; index++) {
            if (Math.abs(gradient[index]) >= SIGNIFICANT * largest) {
                significant.add(index);
            } else if (gradient[index] == 0) {
                zero.add(index);
            }
        }
        if (largest == 0) {
            throw new AssertionError("The gradient is zero everywhere: nothing to check");
        }
        Random random = new Random(seed);
        Collections.shuffle(significant, random);
        Collections.shuffle(zero, random);

        double maxRelative = 0;
        List<Integer> checked = significant.subList(0, Math.min(samples, significant.size()));
        for (int index : checked) {
            double fd = finiteDifference(reference, inputs, input, point, loss, index, step);
            double relative = Math.abs(gradient[index] - fd) / Math.max(Math.abs(gradient[index]), Math.abs(fd));
            maxRelative = Math.max(maxRelative, relative);
        }
        double maxZero = 0;
        List<Integer> zeroChecked = zero.subList(0, Math.min(samples / 2, zero.size()));
        for (int index : zeroChecked) {
            maxZero = Math.max(
                    maxZero, Math.abs(finiteDifference(reference, inputs, input, point, loss, index, step)) / largest);
        }
        return new Report(checked.size(), maxRelative, zeroChecked.size(), maxZero, gradient);
    }

    private static double finiteDifference(
            ReferenceEvaluator reference,
            Map<String, DoubleTensor> inputs,
            String input,
            DoubleTensor point,
            String loss,
            int index,
            double step) {
        double plus = lossAt(reference, inputs, input, point.withValue(index, point.data()[index] + step), loss);
        double minus = lossAt(reference, inputs, input, point.withValue(index, point.data()[index] - step), loss);
        return (plus - minus) / (2 * step);
    }

    private static double lossAt(
            ReferenceEvaluator reference,
            Map<String, DoubleTensor> inputs,
            String input,
            DoubleTensor value,
            String loss) {
        Map<String, DoubleTensor> moved = new LinkedHashMap<>(inputs);
        moved.put(input, value);
        return reference.run(moved, Set.of(loss)).get(loss).data()[0];
    }

    /** Runs the model in ONNX Runtime through the project's model layer and returns one output. */
    static float[] runOrt(ModelProto model, Map<String, DoubleTensor> inputs, String output, Path temp)
            throws IOException {
        return runOrt(model, inputs, Set.of(output), temp).get(output).data();
    }

    static Map<String, FloatTensor> runOrt(
            ModelProto model, Map<String, DoubleTensor> inputs, Set<String> outputs, Path temp) throws IOException {
        Path file = Files.createTempFile(temp, "graph", ".onnx");
        OnnxModels.write(model, file);
        try (OnnxModel session =
                OnnxModel.open(file, InferenceOptions.builder().warmUpRuns(0).build())) {
            Map<String, FloatInput> feed = new LinkedHashMap<>();
            inputs.forEach(
                    (name, tensor) -> feed.put(name, FloatInput.of(FloatBuffer.wrap(tensor.floats()), tensor.shape())));
            return session.run(feed, outputs);
        }
    }
}
