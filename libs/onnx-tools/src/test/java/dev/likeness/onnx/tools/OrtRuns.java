package dev.likeness.onnx.tools;

import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;

/** Runs single-input float models in ONNX Runtime for the comparison tests. */
final class OrtRuns {

    static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();

    private OrtRuns() {}

    static OrtSession session(byte[] model) throws OrtException {
        return ENV.createSession(model, new OrtSession.SessionOptions());
    }

    /** The declared input shape, e.g. [1, 3, 112, 112]. */
    static long[] inputShape(OrtSession session) throws OrtException {
        NodeInfo input = session.getInputInfo().values().iterator().next();
        return ((TensorInfo) input.getInfo()).getShape();
    }

    static long elementsPerItem(long[] shape) {
        long count = 1;
        for (int axis = 1; axis < shape.length; axis++) {
            count *= shape[axis];
        }
        return count;
    }

    /** Uniform in [-1, 1): the range of the face networks' normalised pixels. */
    static float[] randomValues(int count, long seed) {
        Random random = new Random(seed);
        float[] values = new float[count];
        for (int index = 0; index < count; index++) {
            values[index] = random.nextFloat() * 2 - 1;
        }
        return values;
    }

    /** Runs the model on one input tensor and returns every output, flattened, by name. */
    static Map<String, float[]> run(OrtSession session, float[] input, long[] shape) throws OrtException {
        String inputName = session.getInputNames().iterator().next();
        Map<String, float[]> outputs = new LinkedHashMap<>();
        try (OnnxTensor tensor = OnnxTensor.createTensor(ENV, FloatBuffer.wrap(input), shape);
                OrtSession.Result result = session.run(Map.of(inputName, tensor))) {
            for (Map.Entry<String, ai.onnxruntime.OnnxValue> output : result) {
                FloatBuffer values = ((OnnxTensor) output.getValue()).getFloatBuffer();
                float[] copy = new float[values.remaining()];
                values.get(copy);
                outputs.put(output.getKey(), copy);
            }
        }
        return outputs;
    }
}
