package dev.likeness.onnx.tools;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

import dev.likeness.onnx.tools.extract.FeatureExtractor;
import dev.likeness.onnx.tools.extract.ImagePreprocessing;
import dev.likeness.onnx.tools.grad.StyleLossSpec;

/**
 * Style-transfer graphs for any ONNX classification network, e.g. a VGG-19 exported from torchvision:
 * <pre>
 * MakeStyleGraphs --model vgg19.onnx --preprocessing torchvision --average-pooling \
 *     --layer conv1_1=/features/features.1/Relu_output_0 ... \
 *     --content conv4_2 --style conv1_1,conv2_1,conv3_1,conv4_1,conv5_1 [--smoothing T] \
 *     --out models/style --prefix vgg19
 * </pre>
 * {@code --layer NAME=VALUE} names an extractor output after a value of the network (see its value names
 * with any ONNX viewer); {@code --preprocessing} is caffe, torchvision or none.
 */
public final class MakeStyleGraphs {

    private MakeStyleGraphs() {}

    public static void main(String[] args) throws IOException {
        Map<String, String> layers = new LinkedHashMap<>();
        List<String> content = new ArrayList<>();
        List<String> style = new ArrayList<>();
        Path model = null;
        Path out = null;
        String prefix = null;
        String preprocessing = "none";
        boolean averagePooling = false;
        OptionalDouble smoothing = OptionalDouble.empty();
        for (int index = 0; index < args.length; index++) {
            String option = args[index];
            if (option.equals("--average-pooling")) {
                averagePooling = true;
                continue;
            }
            if (index + 1 >= args.length) {
                usage("missing value after " + option);
            }
            String value = args[++index];
            switch (option) {
                case "--model" -> model = Path.of(value);
                case "--out" -> out = Path.of(value);
                case "--prefix" -> prefix = value;
                case "--preprocessing" -> preprocessing = value;
                case "--smoothing" -> smoothing = OptionalDouble.of(Double.parseDouble(value));
                case "--content" -> content.addAll(Arrays.asList(value.split(",")));
                case "--style" -> style.addAll(Arrays.asList(value.split(",")));
                case "--layer" -> {
                    String[] parts = value.split("=", 2);
                    if (parts.length != 2) {
                        usage("--layer takes NAME=VALUE");
                    }
                    layers.put(parts[0], parts[1]);
                }
                default -> usage("unknown option " + option);
            }
        }
        if (model == null || out == null || prefix == null || layers.isEmpty()) {
            usage("--model, --out, --prefix and at least one --layer are required");
        }
        var extractor = FeatureExtractor.extract(
                OnnxModels.read(model), layers, ImagePreprocessing.named(preprocessing), averagePooling);
        for (Path file : StyleModels.write(extractor, new StyleLossSpec(content, style, smoothing), out, prefix)) {
            System.out.println("style model: " + file);
        }
    }

    private static void usage(String problem) {
        System.err.println(
                "MakeStyleGraphs: " + problem + "\nusage: MakeStyleGraphs --model NET.onnx --out FOLDER --prefix NAME"
                        + " --layer NAME=VALUE... [--content NAME,...] [--style NAME,...] [--preprocessing caffe|torchvision|none]"
                        + " [--average-pooling] [--smoothing TEMPERATURE]");
        System.exit(2);
    }
}
