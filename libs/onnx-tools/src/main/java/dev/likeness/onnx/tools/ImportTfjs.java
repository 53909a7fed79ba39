package dev.likeness.onnx.tools;

import java.io.IOException;
import java.nio.file.Path;

import dev.likeness.onnx.tools.tfjs.TfjsImporter;

/** {@code ImportTfjs MODEL_JSON OUT.onnx}: converts a TF.js layers model to ONNX (NCHW, opset 17). */
public final class ImportTfjs {

    private ImportTfjs() {}

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: ImportTfjs MODEL_JSON OUT.onnx");
            System.exit(2);
        }
        OnnxModels.write(TfjsImporter.importModel(Path.of(args[0])), Path.of(args[1]));
        System.out.println("imported: " + args[1]);
    }
}
