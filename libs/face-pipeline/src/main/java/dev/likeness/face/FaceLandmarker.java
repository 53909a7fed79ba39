package dev.likeness.face;

import java.awt.geom.Rectangle2D;
import java.util.List;
import java.util.Set;

import dev.likeness.core.image.ImageTensors;
import dev.likeness.core.onnx.FloatTensor;
import dev.likeness.core.onnx.InputBuffers;
import dev.likeness.core.onnx.OnnxModel;

/**
 * The landmark role: a square crop of side = box height centred on each box in, the 68 iBUG points in original
 * pixels out (output [N, 136] in [0,1] of the crop), and the 5 alignment points derived from them.
 */
final class FaceLandmarker implements AutoCloseable {

    private final ModelSpec spec;
    private final OnnxModel model;
    private final int maxBatch;
    private final PipelineStage.Listener listener;
    private final InputBuffers buffers = new InputBuffers();

    FaceLandmarker(FacePipelineConfig config, PipelineStage.Listener listener) {
        this.spec = config.landmarker();
        this.model = OnnxModel.open(spec.path(), config.sessionOptions());
        this.maxBatch = config.maxBatch();
        this.listener = listener;
    }

    /** Sets the landmarks of every job, batching up to maxBatch faces per call. */
    void locate(List<FaceJob> jobs, boolean inParallel) {
        int width = spec.inputWidth(), height = spec.inputHeight();
        int channels = spec.encoding().channels().count();
        String output = spec.outputNames().get(0);
        for (int from = 0; from < jobs.size(); from += maxBatch) {
            long start = System.nanoTime();
            List<FaceJob> chunk = jobs.subList(from, Math.min(jobs.size(), from + maxBatch));
            FloatTensor points;
            try (InputBuffers.Batch input =
                    buffers.fill(chunk.size(), channels, height, width, inParallel, (i, slice) -> {
                        FaceJob job = chunk.get(i);
                        ImageTensors.resize(
                                job.detail.image(),
                                job.inDetail(crop(job.face)),
                                width,
                                height,
                                spec.encoding(),
                                slice);
                    })) {
                points = input.run(model, Set.of(output)).get(output);
            }
            int perFace = (int) points.shape()[1];
            for (int i = 0; i < chunk.size(); i++) {
                FaceJob job = chunk.get(i);
                job.landmarks68 = toOriginal(crop(job.face), points.data(), i * perFace, perFace);
                job.landmarks5 = FaceLandmarks.fivePoints(job.landmarks68);
            }
            listener.completed(PipelineStage.LANDMARKS, chunk.size(), System.nanoTime() - start);
        }
    }

    /** The landmarker's crop in original pixels: a square of side = box height centred on the box. */
    static Rectangle2D crop(DetectedFace face) {
        double side = face.height();
        double cx = (face.x1() + face.x2()) / 2.0, cy = (face.y1() + face.y2()) / 2.0;
        return new Rectangle2D.Double(cx - side / 2, cy - side / 2, side, side);
    }

    private static float[] toOriginal(Rectangle2D crop, float[] points, int offset, int length) {
        float[] mapped = new float[length];
        for (int p = 0; p < length; p += 2) {
            mapped[p] = (float) (crop.getX() + points[offset + p] * crop.getWidth());
            mapped[p + 1] = (float) (crop.getY() + points[offset + p + 1] * crop.getHeight());
        }
        return mapped;
    }

    OnnxModel model() {
        return model;
    }

    @Override
    public void close() {
        model.close();
    }
}
