package dev.likeness.onnx.tools;

import java.io.IOException;
import java.nio.file.Path;

import dev.likeness.onnx.tools.dlib.DlibFaceRecognitionNet;
import dev.likeness.onnx.tools.tfjs.TfjsLayersModel;

/**
 * {@code MakeDlibDescriptor WEIGHTS_MANIFEST OUT_FILE}: what {@code make models} runs. Builds dlib's face
 * recognition ResNet from face-api's {@code face_recognition_model-weights_manifest.json} (and the shard next to
 * it) and writes it as ONNX with a symbolic batch dimension; the same bytes every time, so it is checksummed.
 */
public final class MakeDlibDescriptor {

    private MakeDlibDescriptor() {}

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: MakeDlibDescriptor WEIGHTS_MANIFEST OUT_FILE");
            System.exit(2);
        }
        Path target = Path.of(args[1]);
        OnnxModels.write(DlibFaceRecognitionNet.build(TfjsLayersModel.readWeightsManifest(Path.of(args[0]))), target);
        System.out.println("dlib face descriptor: " + target);
    }
}
