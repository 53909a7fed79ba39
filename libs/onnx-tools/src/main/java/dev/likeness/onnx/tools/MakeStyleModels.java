package dev.likeness.onnx.tools;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

import dev.likeness.onnx.model.ModelProto;
import dev.likeness.onnx.tools.extract.FeatureExtractor;
import dev.likeness.onnx.tools.extract.ImagePreprocessing;
import dev.likeness.onnx.tools.extract.ResNet50Layers;
import dev.likeness.onnx.tools.grad.StyleLossSpec;
import dev.likeness.onnx.tools.tfjs.TfjsImporter;

/**
 * {@code MakeStyleModels TFJS_FOLDER OUT_FOLDER}: what {@code make models} runs. Imports the TF.js ResNet-50
 * from TFJS_FOLDER (model.json and shards) and writes to OUT_FOLDER {@code resnet50_extractor.onnx}, the
 * plain Gram loss graphs {@code resnet50_style_targets.onnx} and {@code resnet50_style_grad.onnx}, and the
 * SWAG-smoothed ones {@code resnet50_swag_style_targets.onnx} and {@code resnet50_swag_style_grad.onnx}
 * (the stylising service's default). The output is byte-for-byte the same for the same input, so it can be
 * checksummed.
 */
public final class MakeStyleModels {

    public static final String PREFIX = "resnet50";
    public static final String SWAG_PREFIX = "resnet50_swag";
    /**
     * SWAG softmax temperature for this network's activations (mean about 1, peaks 10-20). Lower temperatures
     * make the softmax over channels nearly one-hot and the optimisation paints coloured noise; higher ones blur.
     */
    public static final double SWAG_TEMPERATURE = 8;
    /** Gatys-like layers at strides 2, 4, 8 and 16, as in Wang et al.'s SWAG experiments. */
    public static final List<String> STYLE_LAYERS = List.of("conv1_relu", "res2c", "res3d", "res4f");

    public static final List<String> CONTENT_LAYERS = List.of("res4f");

    private MakeStyleModels() {}

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: MakeStyleModels TFJS_FOLDER OUT_FOLDER");
            System.exit(2);
        }
        ModelProto extractor =
                extractor(TfjsImporter.importModel(Path.of(args[0]).resolve("model.json")));
        List<Path> files = new ArrayList<>(StyleModels.write(extractor, defaultSpec(), Path.of(args[1]), PREFIX));
        files.addAll(StyleModels.writeLossGraphs(extractor, swagSpec(), Path.of(args[1]), SWAG_PREFIX));
        for (Path file : files) {
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

    /** Plain Gram losses on the raw activations. */
    public static StyleLossSpec defaultSpec() {
        return new StyleLossSpec(CONTENT_LAYERS, STYLE_LAYERS, OptionalDouble.empty());
    }

    /** The same layers with SWAG smoothing (Wang et al., CVPR 2021) at {@link #SWAG_TEMPERATURE}; see docs/onnx-tools.md. */
    public static StyleLossSpec swagSpec() {
        return new StyleLossSpec(CONTENT_LAYERS, STYLE_LAYERS, OptionalDouble.of(SWAG_TEMPERATURE));
    }
}
