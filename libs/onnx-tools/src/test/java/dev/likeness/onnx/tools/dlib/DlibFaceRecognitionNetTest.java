package dev.likeness.onnx.tools.dlib;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.likeness.core.image.ImageTensors;
import dev.likeness.core.image.TensorEncoding;
import dev.likeness.core.onnx.FloatInput;
import dev.likeness.core.onnx.FloatTensor;
import dev.likeness.core.onnx.InferenceOptions;
import dev.likeness.core.onnx.OnnxModel;
import dev.likeness.face.AnalysedFace;
import dev.likeness.face.DlibFaceChip;
import dev.likeness.face.FaceAnalysis;
import dev.likeness.face.FacePipeline;
import dev.likeness.face.FacePipelineConfig;
import dev.likeness.onnx.tools.ModelFiles;
import dev.likeness.onnx.tools.tfjs.TfjsLayersModel;
import dev.likeness.onnx.tools.tfjs.TfjsReference;

/**
 * The dlib face descriptor graph built from face-api's weights manifest is the file {@code make models} checksums,
 * and gives face-api's own descriptors: its JavaScript ({@code computeFaceDescriptor}, dist bundle of
 * {@code @vladmandic/face-api@1.7.15}) on the pure-JavaScript {@code @tensorflow/tfjs} in node, on dlib chips of the
 * faces of a real photo, run as one batch in ONNX Runtime.
 */
@Tag("models")
class DlibFaceRecognitionNetTest {

    private static final Path MANIFEST = ModelFiles.generated("face-api/face_recognition_model-weights_manifest.json");

    @Test
    void theGeneratedModelIsWhatTheBuilderMakes() throws Exception {
        byte[] built = DlibFaceRecognitionNet.build(TfjsLayersModel.readWeightsManifest(MANIFEST))
                .toByteArray();
        assertThat(built)
                .isEqualTo(Files.readAllBytes(ModelFiles.generated("dlib/dlib_face_recognition_resnet_model_v1.onnx")));
    }

    @Test
    void descriptorsOfRealFacesMatchFaceApiOnTfjs() throws Exception {
        int size = DlibFaceRecognitionNet.SIZE;
        float[] chips = chipsOfSamplePhoto("sample1.jpg");
        int faces = chips.length / (size * size * 3);
        assertThat(faces).isEqualTo(3);

        ObjectNode options = new ObjectMapper()
                .createObjectNode()
                .put(
                        "bundle",
                        ModelFiles.generated("face-api-js/face-api.node-wasm.js")
                                .toAbsolutePath()
                                .toString())
                .put("manifest", MANIFEST.toAbsolutePath().toString());
        float[] expected = TfjsReference.runModule(
                        Path.of("src/test/resources/tfjs/face-api-recognition.js"),
                        Map.of("chips", new TfjsReference.Tensor(new long[] {faces, size, size, 3}, chips)),
                        List.of("descriptors"),
                        options)
                .get("descriptors")
                .values();

        float[] actual;
        try (OnnxModel model = OnnxModel.open(
                ModelFiles.generated("dlib/dlib_face_recognition_resnet_model_v1.onnx"),
                InferenceOptions.builder().warmUpRuns(0).build())) {
            FloatTensor descriptors = model.run(normalisedNchw(chips, faces, size), faces, 3, size, size);
            assertThat(descriptors.shape()).containsExactly(faces, DlibFaceRecognitionNet.DIMENSION);
            actual = descriptors.data();
        }
        assertThat(expected).hasSameSizeAs(actual);
        double largest = 0;
        for (int i = 0; i < actual.length; i++) {
            largest = Math.max(largest, Math.abs(expected[i]));
            assertThat(actual[i])
                    .as("descriptor value %d", i)
                    .isCloseTo(expected[i], org.assertj.core.data.Offset.offset(1e-4f));
        }
        assertThat(largest).as("descriptors are not all zero").isGreaterThan(0.05);
    }

    /** dlib chips (150 px, RGB 0..255, NHWC as TF.js takes them) of every face the pipeline finds in a sample photo. */
    private static float[] chipsOfSamplePhoto(String photo) throws Exception {
        int size = DlibFaceRecognitionNet.SIZE;
        byte[] bytes = Files.readAllBytes(ModelFiles.generated("samples/" + photo));
        try (FacePipeline pipeline = FacePipeline.open(FacePipelineConfig.defaults(ModelFiles.modelsFolder()))) {
            FaceAnalysis analysis = pipeline.analyse(bytes);
            BufferedImage image = pipeline.decoder().decode(bytes).image();
            List<AnalysedFace> faces = analysis.faces();
            FloatBuffer nchw = FloatInput.allocate(faces.size(), 3, size, size);
            for (AnalysedFace face : faces) {
                ImageTensors.warpAffine(
                        image,
                        DlibFaceChip.imageToChip(face.landmarks68(), size, DlibFaceChip.PADDING),
                        size,
                        size,
                        TensorEncoding.rgb(0, 1),
                        nchw);
            }
            float[] planes = new float[nchw.flip().remaining()];
            nchw.get(planes);
            float[] nhwc = new float[planes.length];
            int plane = size * size;
            for (int n = 0; n < faces.size(); n++) {
                for (int c = 0; c < 3; c++) {
                    for (int p = 0; p < plane; p++) {
                        nhwc[(n * plane + p) * 3 + c] = planes[(n * 3 + c) * plane + p];
                    }
                }
            }
            return nhwc;
        }
    }

    /** face-api's normalisation, (v - mean RGB) / 255, in NCHW for ONNX Runtime. */
    private static FloatBuffer normalisedNchw(float[] nhwc, int faces, int size) {
        int plane = size * size;
        float[] nchw = new float[nhwc.length];
        for (int n = 0; n < faces; n++) {
            for (int c = 0; c < 3; c++) {
                for (int p = 0; p < plane; p++) {
                    nchw[(n * 3 + c) * plane + p] = (nhwc[(n * plane + p) * 3 + c] - DlibFaceRecognitionNet.MEAN_RGB[c])
                            / DlibFaceRecognitionNet.SCALE;
                }
            }
        }
        return FloatBuffer.wrap(nchw);
    }
}
