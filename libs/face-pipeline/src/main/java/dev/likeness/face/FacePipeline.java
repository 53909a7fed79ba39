package dev.likeness.face;

import java.awt.Rectangle;
import java.awt.geom.Rectangle2D;
import java.io.IOException;
import java.io.InputStream;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.likeness.core.image.DecodeOptions;
import dev.likeness.core.image.DecodedImage;
import dev.likeness.core.image.ImageDecoder;
import dev.likeness.core.image.ImageRejectedException;
import dev.likeness.core.image.ImageTensors;
import dev.likeness.core.onnx.FloatInput;
import dev.likeness.core.onnx.FloatTensor;
import dev.likeness.core.onnx.OnnxModel;

/**
 * Image bytes -> faces: detection on a decode reduced to at least twice the detector's side (small images
 * whole), 68 landmarks and 5-point similarity alignment on full-resolution pixels (that same decode when it is
 * whole, else a decode of the face regions only), then L2-normalised embeddings. Every network runs once
 * per batch of images (or faces), not once per face. Thread-safe.
 */
public final class FacePipeline implements AutoCloseable {

    /** The landmark crop is a square of side = box height; alignment also needs some margin around it. */
    private static final double REGION_MARGIN = 0.35;
    /** Decode face regions so that the smallest face keeps at least this many pixels of height. */
    private static final int DETAIL_FACE_PX = 160;

    private final FacePipelineConfig config;
    private final ImageDecoder decoder;
    private final OnnxModel detector;
    private final OnnxModel landmarker;
    private final OnnxModel embedder;
    private final ModelIdentity detectorIdentity;
    private final ModelIdentity landmarkerIdentity;
    private final ModelIdentity embedderIdentity;
    private final int embeddingDimension;
    private final PipelineStage.Listener listener;

    /** The id and resolved version of one network, as written into events. */
    public record ModelIdentity(String id, String version) {}

    private FacePipeline(FacePipelineConfig config, PipelineStage.Listener listener) {
        this.config = config;
        this.listener = listener;
        this.decoder = new ImageDecoder(config.limits());
        this.detector = open(config.detector());
        this.landmarker = open(config.landmarker());
        this.embedder = open(config.embedder());
        this.detectorIdentity = identify(config.detector());
        this.landmarkerIdentity = identify(config.landmarker());
        this.embedderIdentity = identify(config.embedder());
        long[] embeddingShape =
                embedder.outputs().get(config.embedder().outputNames().get(0)).shape();
        this.embeddingDimension = (int) embeddingShape[embeddingShape.length - 1];
    }

    public static FacePipeline open(FacePipelineConfig config) {
        return open(config, PipelineStage.Listener.NONE);
    }

    public static FacePipeline open(FacePipelineConfig config, PipelineStage.Listener listener) {
        return new FacePipeline(config, listener);
    }

    private OnnxModel open(ModelSpec spec) {
        // Warm-up runs at the declared shape with the symbolic batch dimension set to 1.
        return OnnxModel.open(spec.path(), config.inference());
    }

    /** Checks the limits and decodes for detection (see the class comment); the part that refuses bad input. */
    public PreparedImage prepare(byte[] bytes, int maxFaces, int minFacePx) throws ImageRejectedException {
        long start = System.nanoTime();
        // At least twice the detector's side: the JDK's JPEG reader decodes every pixel whatever the subsampling,
        // so reducing a small image saves no decoding, and keeping it whole lets its faces be cut from the same pixels
        // (one decode instead of two; detailDecode). Large photos are still reduced, to bound memory.
        int longSide =
                2 * Math.max(config.detector().inputWidth(), config.detector().inputHeight());
        DecodedImage reduced = decoder.decode(bytes, DecodeOptions.reducedTo(longSide));
        listener.completed(PipelineStage.DECODE, 1, System.nanoTime() - start);
        return new PreparedImage(bytes, reduced, maxFaces, minFacePx);
    }

    /** Convenience for one image with the pipeline's defaults. */
    public FaceAnalysis analyse(byte[] bytes) throws ImageRejectedException {
        return analyseAll(List.of(prepare(bytes, 0, 0))).get(0);
    }

    /** Finds, aligns and embeds the faces of every image, batching each network across the images. */
    public List<FaceAnalysis> analyseAll(List<PreparedImage> images) throws ImageRejectedException {
        List<List<DetectedFace>> detections = detect(images);
        List<FaceJob> jobs = new ArrayList<>();
        long decodeStart = System.nanoTime();
        for (int i = 0; i < images.size(); i++) {
            List<DetectedFace> faces = detections.get(i);
            if (faces.isEmpty()) {
                continue;
            }
            DecodedImage detail = detailDecode(images.get(i), faces);
            for (DetectedFace face : faces) {
                jobs.add(new FaceJob(i, face, detail));
            }
        }
        listener.completed(PipelineStage.DECODE, jobs.size(), System.nanoTime() - decodeStart);
        landmarks(jobs);
        embed(jobs);

        List<List<AnalysedFace>> perImage = new ArrayList<>();
        images.forEach(image -> perImage.add(new ArrayList<>()));
        for (FaceJob job : jobs) {
            perImage.get(job.imageIndex)
                    .add(new AnalysedFace(
                            job.face,
                            job.landmarks5,
                            job.landmarks68,
                            job.embedding,
                            job.sharpness,
                            FaceLandmarks.yawDegrees(job.landmarks5)));
        }
        List<FaceAnalysis> results = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            results.add(new FaceAnalysis(images.get(i).width(), images.get(i).height(), perImage.get(i)));
        }
        return results;
    }

    private List<List<DetectedFace>> detect(List<PreparedImage> images) {
        ModelSpec spec = config.detector();
        int width = spec.inputWidth(), height = spec.inputHeight();
        List<List<DetectedFace>> detections = new ArrayList<>();
        for (int from = 0; from < images.size(); from += config.maxBatch()) {
            long start = System.nanoTime();
            List<PreparedImage> chunk = images.subList(from, Math.min(images.size(), from + config.maxBatch()));
            FloatBuffer input =
                    FloatInput.allocate(chunk.size(), spec.encoding().channels().count(), height, width);
            for (PreparedImage image : chunk) {
                // Stretch, not letterbox: the detector's boxes are then plain fractions of the whole image.
                ImageTensors.resize(image.forDetection().image(), width, height, spec.encoding(), input);
            }
            input.flip();
            Map<String, FloatTensor> out = detector.run(
                    Map.of(
                            inputName(detector),
                            FloatInput.of(
                                    input,
                                    chunk.size(),
                                    spec.encoding().channels().count(),
                                    height,
                                    width)),
                    Set.copyOf(spec.outputNames()));
            FloatTensor scores = out.get(spec.outputNames().get(0));
            FloatTensor boxes = out.get(spec.outputNames().get(1));
            int anchors = (int) scores.shape()[1];
            for (int i = 0; i < chunk.size(); i++) {
                detections.add(decodeDetections(chunk.get(i), scores.data(), boxes.data(), i, anchors));
            }
            listener.completed(PipelineStage.DETECT, chunk.size(), System.nanoTime() - start);
        }
        return detections;
    }

    private List<DetectedFace> decodeDetections(
            PreparedImage image, float[] scores, float[] boxes, int item, int anchors) {
        float w = image.width(), h = image.height();
        int minFace = image.minFacePx() > 0 ? image.minFacePx() : config.minFacePx();
        List<DetectedFace> candidates = new ArrayList<>();
        for (int k = 0; k < anchors; k++) {
            float score = scores[(item * anchors + k) * 2 + 1];
            if (score < config.scoreThreshold()) {
                continue;
            }
            int b = (item * anchors + k) * 4;
            DetectedFace face = new DetectedFace(
                    clamp(boxes[b] * w, w),
                    clamp(boxes[b + 1] * h, h),
                    clamp(boxes[b + 2] * w, w),
                    clamp(boxes[b + 3] * h, h),
                    score);
            if (Math.min(face.width(), face.height()) >= minFace) {
                candidates.add(face);
            }
        }
        int maxFaces = image.maxFaces() > 0 ? Math.min(image.maxFaces(), config.maxFaces()) : config.maxFaces();
        return NonMaxSuppression.apply(candidates, config.nmsIou(), maxFaces);
    }

    private static float clamp(float value, float max) {
        return Math.max(0, Math.min(max, value));
    }

    /**
     * Decodes, once per image, the union of its face regions at the resolution the faces need: a 1920 px
     * group photo is decoded again only where faces are, and only as finely as alignment needs.
     */
    private DecodedImage detailDecode(PreparedImage image, List<DetectedFace> faces) throws ImageRejectedException {
        if (image.forDetection().subsampling() == 1) {
            return image.forDetection();
        }
        double minX = Double.MAX_VALUE, minY = Double.MAX_VALUE, maxX = 0, maxY = 0, smallest = Double.MAX_VALUE;
        for (DetectedFace face : faces) {
            double side = face.height() * (1 + 2 * REGION_MARGIN);
            double cx = (face.x1() + face.x2()) / 2, cy = (face.y1() + face.y2()) / 2;
            minX = Math.min(minX, cx - side / 2);
            minY = Math.min(minY, cy - side / 2);
            maxX = Math.max(maxX, cx + side / 2);
            maxY = Math.max(maxY, cy + side / 2);
            smallest = Math.min(smallest, face.height());
        }
        int x = (int) Math.max(0, Math.floor(minX)), y = (int) Math.max(0, Math.floor(minY));
        Rectangle region = new Rectangle(
                x,
                y,
                (int) Math.min(image.width(), Math.ceil(maxX)) - x,
                (int) Math.min(image.height(), Math.ceil(maxY)) - y);
        int subsampling = (int) Math.max(1, Math.floor(smallest / DETAIL_FACE_PX));
        return decoder.decode(image.bytes(), new DecodeOptions(region, subsampling, 0));
    }

    private void landmarks(List<FaceJob> jobs) {
        ModelSpec spec = config.landmarker();
        int size = spec.inputWidth();
        String output = spec.outputNames().get(0);
        for (int from = 0; from < jobs.size(); from += config.maxBatch()) {
            long start = System.nanoTime();
            List<FaceJob> chunk = jobs.subList(from, Math.min(jobs.size(), from + config.maxBatch()));
            int channels = spec.encoding().channels().count();
            FloatBuffer input = FloatInput.allocate(chunk.size(), channels, spec.inputHeight(), size);
            for (FaceJob job : chunk) {
                ImageTensors.resize(
                        job.detail.image(),
                        job.toDetail(job.landmarkCrop()),
                        size,
                        spec.inputHeight(),
                        spec.encoding(),
                        input);
            }
            input.flip();
            FloatTensor points = landmarker
                    .run(
                            Map.of(
                                    inputName(landmarker),
                                    FloatInput.of(input, chunk.size(), channels, spec.inputHeight(), size)),
                            Set.of(output))
                    .get(output);
            int perFace = (int) points.shape()[1];
            for (int i = 0; i < chunk.size(); i++) {
                chunk.get(i).acceptLandmarks(points.data(), i * perFace, perFace);
            }
            listener.completed(PipelineStage.LANDMARKS, chunk.size(), System.nanoTime() - start);
        }
    }

    private void embed(List<FaceJob> jobs) {
        ModelSpec spec = config.embedder();
        int width = spec.inputWidth(), height = spec.inputHeight();
        int channels = spec.encoding().channels().count();
        String output = spec.outputNames().get(0);
        float[] template = FaceLandmarks.templateFor(width, height);
        for (int from = 0; from < jobs.size(); from += config.maxBatch()) {
            List<FaceJob> chunk = jobs.subList(from, Math.min(jobs.size(), from + config.maxBatch()));
            long alignStart = System.nanoTime();
            FloatBuffer input = FloatInput.allocate(chunk.size(), channels, height, width);
            for (FaceJob job : chunk) {
                double[] toTemplate = SimilarityTransform.estimate(job.fivePointsInDetail(), template)
                        .forward();
                int offset = input.position();
                ImageTensors.warpAffine(job.detail.image(), toTemplate, width, height, spec.encoding(), input);
                job.sharpness = FaceQuality.sharpness(input, offset, width, height, channels);
            }
            input.flip();
            listener.completed(PipelineStage.ALIGN, chunk.size(), System.nanoTime() - alignStart);
            long embedStart = System.nanoTime();
            FloatTensor vectors = embedder.run(
                            Map.of(inputName(embedder), FloatInput.of(input, chunk.size(), channels, height, width)),
                            Set.of(output))
                    .get(output);
            for (int i = 0; i < chunk.size(); i++) {
                chunk.get(i).embedding = l2Normalised(vectors.data(), i * embeddingDimension, embeddingDimension);
            }
            listener.completed(PipelineStage.EMBED, chunk.size(), System.nanoTime() - embedStart);
        }
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

    private static String inputName(OnnxModel model) {
        return model.inputs().keySet().iterator().next();
    }

    /** Per-face state as it moves through the stages. */
    private static final class FaceJob {
        final int imageIndex;
        final DetectedFace face;
        final DecodedImage detail;
        float[] landmarks68;
        float[] landmarks5;
        float[] embedding;
        float sharpness;

        FaceJob(int imageIndex, DetectedFace face, DecodedImage detail) {
            this.imageIndex = imageIndex;
            this.face = face;
            this.detail = detail;
        }

        /** The landmarker's crop in original pixels: a square of side = box height centred on the box. */
        Rectangle2D landmarkCrop() {
            double side = face.height();
            double cx = (face.x1() + face.x2()) / 2.0, cy = (face.y1() + face.y2()) / 2.0;
            return new Rectangle2D.Double(cx - side / 2, cy - side / 2, side, side);
        }

        Rectangle2D toDetail(Rectangle2D original) {
            double s = detail.subsampling();
            return new Rectangle2D.Double(
                    (original.getX() - detail.region().x) / s,
                    (original.getY() - detail.region().y) / s,
                    original.getWidth() / s,
                    original.getHeight() / s);
        }

        void acceptLandmarks(float[] points, int offset, int length) {
            Rectangle2D crop = landmarkCrop();
            landmarks68 = new float[length];
            for (int p = 0; p < length; p += 2) {
                landmarks68[p] = (float) (crop.getX() + points[offset + p] * crop.getWidth());
                landmarks68[p + 1] = (float) (crop.getY() + points[offset + p + 1] * crop.getHeight());
            }
            landmarks5 = FaceLandmarks.fivePoints(landmarks68);
        }

        float[] fivePointsInDetail() {
            float[] points = new float[landmarks5.length];
            double s = detail.subsampling();
            for (int p = 0; p < points.length; p += 2) {
                points[p] = (float) ((landmarks5[p] - detail.region().x) / s);
                points[p + 1] = (float) ((landmarks5[p + 1] - detail.region().y) / s);
            }
            return points;
        }
    }

    private static ModelIdentity identify(ModelSpec spec) {
        String version = spec.version().isBlank() ? sha256Prefix(spec.path()) : spec.version();
        return new ModelIdentity(spec.id(), version);
    }

    private static String sha256Prefix(Path file) {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return HexFormat.of()
                    .formatHex(((DigestInputStream) in).getMessageDigest().digest())
                    .substring(0, 12);
        } catch (IOException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("Cannot hash model file " + file + ": " + e.getMessage(), e);
        }
    }

    public ModelIdentity detectorModel() {
        return detectorIdentity;
    }

    public ModelIdentity landmarkModel() {
        return landmarkerIdentity;
    }

    public ModelIdentity embeddingModel() {
        return embedderIdentity;
    }

    public int embeddingDimension() {
        return embeddingDimension;
    }

    public ImageDecoder decoder() {
        return decoder;
    }

    /** The models, for health and diagnostics (provider, fallback). */
    public List<OnnxModel> models() {
        return List.of(detector, landmarker, embedder);
    }

    @Override
    public void close() {
        detector.close();
        landmarker.close();
        embedder.close();
    }
}
