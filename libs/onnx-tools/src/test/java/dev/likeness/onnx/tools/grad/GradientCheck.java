package dev.likeness.onnx.tools.grad;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;

import dev.likeness.core.onnx.FloatInput;
import dev.likeness.core.onnx.FloatTensor;
import dev.likeness.core.onnx.InferenceOptions;
import dev.likeness.core.onnx.OnnxModel;
import dev.likeness.onnx.model.ModelProto;
import dev.likeness.onnx.tools.OnnxModels;

/**
 * Compares the gradient a generated graph computes in ONNX Runtime (float32) with central finite
 * differences of its loss evaluated in float64 by {@link ReferenceEvaluator}, and the loss itself with the
 * reference's. Small graphs are checked on every coordinate; large ones on coordinates drawn uniformly and
 * along random directions (the derivative along v is {@code <g, v>}), so the gradient's own values never
 * choose what is checked.
 */
final class GradientCheck {

    /**
     * Coordinates where the generated gradient or the finite difference reaches this fraction of the largest
     * are compared by relative error, the others by their error against the largest: a value wrongly small
     * is compared by relative error too.
     */
    static final double SIGNIFICANT = 1e-2;

    /**
     * @param coordinates      coordinates compared with their finite difference
     * @param maxRelativeError max |g - fd| / max(|g|, |fd|) over the significant ones
     * @param maxSmallError    max |g - fd| / max|g| over the others
     * @param directions       random directions v compared
     * @param maxDirectionError max |<g, v> - fd_v| / max(|<g, v>|, |fd_v|) over them (0 when none)
     * @param lossError        |J_ort - J_ref| / |J_ref|: ONNX Runtime's loss against the float64 reference's
     */
    record Report(
            int coordinates,
            double maxRelativeError,
            double maxSmallError,
            int directions,
            double maxDirectionError,
            double lossError,
            float[] gradient) {
        @Override
        public String toString() {
            return String.format(
                    "%d coordinates: max relative error %.2e, max small error %.2e; %d directions: max relative"
                            + " error %.2e; loss relative error %.2e",
                    coordinates, maxRelativeError, maxSmallError, directions, maxDirectionError, lossError);
        }
    }

    private GradientCheck() {}

    /** Every coordinate of {@code input}. */
    static Report checkEveryCoordinate(
            ModelProto model,
            Map<String, DoubleTensor> inputs,
            String input,
            String loss,
            String gradientName,
            double step,
            Path temp)
            throws IOException {
        int size = inputs.get(input).data().length;
        return check(
                model,
                inputs,
                input,
                loss,
                gradientName,
                IntStream.range(0, size).toArray(),
                0,
                step,
                0,
                temp);
    }

    /**
     * {@code coordinates} coordinates drawn uniformly, and {@code directions} random unit directions with entries
     * of equal size: a step along one moves each coordinate by step / sqrt(n), so few ReLU or max-pool kinks
     * fall inside it.
     */
    static Report checkSampled(
            ModelProto model,
            Map<String, DoubleTensor> inputs,
            String input,
            String loss,
            String gradientName,
            int coordinates,
            int directions,
            double step,
            long seed,
            Path temp)
            throws IOException {
        Random random = new Random(seed);
        int size = inputs.get(input).data().length;
        int[] drawn = random.ints(0, size).distinct().limit(coordinates).toArray();
        return check(model, inputs, input, loss, gradientName, drawn, directions, step, random.nextLong(), temp);
    }

    private static Report check(
            ModelProto model,
            Map<String, DoubleTensor> inputs,
            String input,
            String loss,
            String gradientName,
            int[] coordinates,
            int directions,
            double step,
            long seed,
            Path temp)
            throws IOException {
        Map<String, FloatTensor> ort = runOrt(model, inputs, Set.of(gradientName, loss), temp);
        float[] gradient = ort.get(gradientName).data();
        ReferenceEvaluator reference = new ReferenceEvaluator(model.getGraph());
        DoubleTensor point = inputs.get(input);
        double referenceLoss = lossAt(reference, inputs, input, point, loss);
        double lossError = Math.abs(ort.get(loss).data()[0] - referenceLoss) / Math.abs(referenceLoss);

        double[] differences = new double[coordinates.length];
        double largest = 0;
        for (float value : gradient) {
            largest = Math.max(largest, Math.abs(value));
        }
        for (int at = 0; at < coordinates.length; at++) {
            double[] direction = new double[gradient.length];
            direction[coordinates[at]] = 1;
            differences[at] = finiteDifference(reference, inputs, input, point, direction, loss, step);
            largest = Math.max(largest, Math.abs(differences[at]));
        }
        if (largest == 0) {
            throw new AssertionError("The gradient is zero everywhere: nothing to check");
        }
        double maxRelative = 0;
        double maxSmall = 0;
        for (int at = 0; at < coordinates.length; at++) {
            double generated = gradient[coordinates[at]];
            double error = Math.abs(generated - differences[at]);
            double magnitude = Math.max(Math.abs(generated), Math.abs(differences[at]));
            if (magnitude >= SIGNIFICANT * largest) {
                maxRelative = Math.max(maxRelative, error / magnitude);
            } else {
                maxSmall = Math.max(maxSmall, error / largest);
            }
        }

        Random random = new Random(seed);
        double maxDirection = 0;
        for (int count = 0; count < directions; count++) {
            double[] direction = new double[gradient.length];
            double along = 0;
            for (int index = 0; index < direction.length; index++) {
                direction[index] = (random.nextBoolean() ? 1 : -1) / Math.sqrt(direction.length);
                along += gradient[index] * direction[index];
            }
            double difference = finiteDifference(reference, inputs, input, point, direction, loss, step);
            maxDirection = Math.max(
                    maxDirection, Math.abs(along - difference) / Math.max(Math.abs(along), Math.abs(difference)));
        }
        return new Report(coordinates.length, maxRelative, maxSmall, directions, maxDirection, lossError, gradient);
    }

    private static double finiteDifference(
            ReferenceEvaluator reference,
            Map<String, DoubleTensor> inputs,
            String input,
            DoubleTensor point,
            double[] direction,
            String loss,
            double step) {
        double plus = lossAt(reference, inputs, input, moved(point, direction, step), loss);
        double minus = lossAt(reference, inputs, input, moved(point, direction, -step), loss);
        return (plus - minus) / (2 * step);
    }

    private static DoubleTensor moved(DoubleTensor point, double[] direction, double step) {
        double[] values = point.data().clone();
        for (int index = 0; index < values.length; index++) {
            values[index] += step * direction[index];
        }
        return new DoubleTensor(values, point.shape());
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
