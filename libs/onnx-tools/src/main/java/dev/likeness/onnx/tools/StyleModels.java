package dev.likeness.onnx.tools;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.likeness.onnx.model.ModelProto;
import dev.likeness.onnx.tools.grad.StyleGraphs;
import dev.likeness.onnx.tools.grad.StyleLossSpec;

/** Writes the three files style transfer needs for one network: extractor, targets graph, gradient graph. */
public final class StyleModels {

    private StyleModels() {}

    public static Path extractorFile(Path folder, String prefix) {
        return folder.resolve(prefix + "_extractor.onnx");
    }

    public static Path targetsFile(Path folder, String prefix) {
        return folder.resolve(prefix + "_style_targets.onnx");
    }

    public static Path gradientFile(Path folder, String prefix) {
        return folder.resolve(prefix + "_style_grad.onnx");
    }

    public static List<Path> write(ModelProto extractor, StyleLossSpec spec, Path folder, String prefix)
            throws IOException {
        Path extractorFile = extractorFile(folder, prefix);
        OnnxModels.write(extractor, extractorFile);
        List<Path> files = new ArrayList<>(List.of(extractorFile));
        files.addAll(writeLossGraphs(extractor, spec, folder, prefix));
        return files;
    }

    /** Only the targets and gradient graphs: another loss (e.g. SWAG smoothing) for an extractor already written. */
    public static List<Path> writeLossGraphs(ModelProto extractor, StyleLossSpec spec, Path folder, String prefix)
            throws IOException {
        List<Path> files = List.of(targetsFile(folder, prefix), gradientFile(folder, prefix));
        OnnxModels.write(StyleGraphs.targets(extractor, spec), files.get(0));
        OnnxModels.write(StyleGraphs.gradient(extractor, spec), files.get(1));
        return files;
    }
}
