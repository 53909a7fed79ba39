package dev.likeness.face;

import java.util.List;
import java.util.Set;

import dev.likeness.core.image.ImageTensors;
import dev.likeness.core.onnx.FloatTensor;
import dev.likeness.core.onnx.InputBuffers;
import dev.likeness.core.onnx.OnnxModel;

/** The recognition role for one network: faces aligned its way, in batches, to L2-normalised embeddings. */
final class FaceRecogniser implements AutoCloseable {

    private final ModelSpec spec;
    private final Alignment alignment;
    private final OnnxModel model;
    private final int dimension;
    private final int maxBatch;
    private final PipelineStage.Listener listener;
    private final InputBuffers buffers = new InputBuffers();

    FaceRecogniser(EmbeddingSpec.Network network, FacePipelineConfig config, PipelineStage.Listener listener) {
        this.spec = network.model();
        this.alignment = network.alignment();
        this.model = OnnxModel.open(spec.path(), config.sessionOptions());
        long[] shape = model.outputs().get(spec.outputNames().get(0)).shape();
        this.dimension = (int) shape[shape.length - 1];
        this.maxBatch = config.maxBatch();
        this.listener = listener;
    }

    /**
     * One L2-normalised embedding per job, in order; with {@code measureSharpness}, also each job's sharpness,
     * measured on the aligned input.
     */
    float[][] embed(List<FaceJob> jobs, boolean measureSharpness, boolean inParallel) {
        int width = spec.inputWidth(), height = spec.inputHeight();
        int channels = spec.encoding().channels().count();
        String output = spec.outputNames().get(0);
        float[][] embeddings = new float[jobs.size()][];
        for (int from = 0; from < jobs.size(); from += maxBatch) {
            List<FaceJob> chunk = jobs.subList(from, Math.min(jobs.size(), from + maxBatch));
            long alignStart = System.nanoTime();
            long embedStart;
            FloatTensor vectors;
            try (InputBuffers.Batch input =
                    buffers.fill(chunk.size(), channels, height, width, inParallel, (i, slice) -> {
                        FaceJob job = chunk.get(i);
                        int offset = slice.position();
                        ImageTensors.warpAffine(
                                job.detail.image(),
                                job.toInput(alignment, width, height),
                                width,
                                height,
                                spec.encoding(),
                                slice);
                        if (measureSharpness) {
                            job.sharpness = FaceQuality.sharpness(slice, offset, width, height, channels);
                        }
                    })) {
                listener.completed(PipelineStage.ALIGN, chunk.size(), System.nanoTime() - alignStart);
                embedStart = System.nanoTime();
                vectors = input.run(model, Set.of(output)).get(output);
            }
            for (int i = 0; i < chunk.size(); i++) {
                embeddings[from + i] = l2Normalised(vectors.data(), i * dimension, dimension);
            }
            listener.completed(PipelineStage.EMBED, chunk.size(), System.nanoTime() - embedStart);
        }
        return embeddings;
    }

    static float[] l2Normalised(float[] data, int offset, int length) {
        double sum = 0;
        for (int i = 0; i < length; i++) {
            sum += (double) data[offset + i] * data[offset + i];
        }
        float inverse = sum > 0 ? (float) (1 / Math.sqrt(sum)) : 0f;
        float[] vector = new float[length];
        for (int i = 0; i < length; i++) {
            vector[i] = data[offset + i] * inverse;
        }
        return vector;
    }

    int dimension() {
        return dimension;
    }

    ModelSpec spec() {
        return spec;
    }

    OnnxModel model() {
        return model;
    }

    @Override
    public void close() {
        model.close();
    }
}
