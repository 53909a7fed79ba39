package dev.likeness.onnx.tools;

import dev.likeness.onnx.model.ModelProto;
import dev.likeness.onnx.tools.extract.FeatureExtractor;
import dev.likeness.onnx.tools.extract.ImagePreprocessing;
import dev.likeness.onnx.tools.extract.ResNet50Layers;
import dev.likeness.onnx.tools.grad.StyleLossSpec;
import dev.likeness.onnx.tools.tfjs.TfjsImporter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * {@code MakeStyleModels TFJS_FOLDER OUT_FOLDER}: what {@code make models} runs. Imports the TF.js ResNet-50
 * from TFJS_FOLDER (model.json and shards) and writes to OUT_FOLDER {@code resnet50_extractor.onnx},
 * {@code resnet50_style_targets.onnx} and {@code resnet50_style_grad.onnx} for the default loss below.
 * The output is byte-for-byte the same for the same input, so it can be checksummed.
 */
public final class MakeStyleModels {

    public static final String PREFIX = "resnet50";
    /** Gatys-like layers at strides 2, 4, 8 and 16, as in Wang et al.'s SWAG experiments. */
    public static final List<String> STYLE_LAYERS = List.of("conv1_relu", "res2c", "res3d", "res4f");
    public static final List<String> CONTENT_LAYERS = List.of("res4f");

    private MakeStyleModels() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: MakeStyleModels TFJS_FOLDER OUT_FOLDER");
            System.exit(2);
        }
        ModelProto imported = TfjsImporter.importModel(Path.of(args[0]).resolve("model.json"));
        for (Path file : StyleModels.write(extractor(imported), defaultSpec(), Path.of(args[1]), PREFIX)) {
            System.out.println("style model: " + file);
        }
    }

    /** The ResNet-50 truncated after res4f, with the default loss layers as outputs, caffe preprocessing built in. */
    public static ModelProto extractor(ModelProto importedResNet50) {
        Map<String, String> all = ResNet50Layers.of(importedResNet50);
        Map<String, String> outputs = new LinkedHashMap<>();
        STYLE_LAYERS.forEach(layer -> outputs.put(layer, all.get(layer)));
        CONTENT_LAYERS.forEach(layer -> outputs.put(layer, all.get(layer)));
        return FeatureExtractor.extract(importedResNet50, outputs, ImagePreprocessing.caffe(), false);
    }

    /**
     * Plain Gram losses: on this network they already stylise well, SWAG smoothing at temperature 1 is
     * degenerate (a few peak activations dominate) and higher temperatures did not do visibly better; see
     * docs/onnx-tools.md. Other variants come from {@link StyleModels} or MakeStyleGraphs.
     */
    public static StyleLossSpec defaultSpec() {
        return new StyleLossSpec(CONTENT_LAYERS, STYLE_LAYERS, OptionalDouble.empty());
    }
}
