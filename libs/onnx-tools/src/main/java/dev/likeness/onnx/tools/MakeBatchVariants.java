package dev.likeness.onnx.tools;

import java.io.IOException;
import java.nio.file.Path;

/** {@code MakeBatchVariants SRC_DIR DST_DIR}: writes a batch variant of each face network in SRC_DIR to DST_DIR. */
public final class MakeBatchVariants {

    private MakeBatchVariants() {}

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: MakeBatchVariants SRC_DIR DST_DIR");
            System.exit(2);
        }
        Path sourceFolder = Path.of(args[0]);
        Path targetFolder = Path.of(args[1]);
        for (String name : BatchVariants.FACE_MODELS) {
            Path target = targetFolder.resolve(name + ".onnx");
            OnnxModels.write(BatchVariants.batchVariant(OnnxModels.read(sourceFolder.resolve(name + ".onnx"))), target);
            System.out.println("batch variant: " + target);
        }
    }
}
