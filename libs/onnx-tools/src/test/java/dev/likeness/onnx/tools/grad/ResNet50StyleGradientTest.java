package dev.likeness.onnx.tools.grad;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.likeness.core.image.ImageDecoder;
import dev.likeness.core.image.ImageTensors;
import dev.likeness.core.image.TensorEncoding;
import dev.likeness.core.onnx.FloatInput;
import dev.likeness.core.onnx.FloatTensor;
import dev.likeness.onnx.model.ModelProto;
import dev.likeness.onnx.tools.DarknetImages;
import dev.likeness.onnx.tools.MakeStyleModels;
import dev.likeness.onnx.tools.ModelFiles;
import dev.likeness.onnx.tools.OnnxModels;

/**
 * The gradient graphs of the real truncated ResNet-50 (caffe preprocessing, conv1_relu..res4f) at 64x64,
 * against central finite differences of their loss evaluated in float64: the one {@code make models}
 * generates with plain Gram losses and the one it generates with SWAG smoothing (softmax over channels). Content: darknet's dog.jpg; style: Munch's scream.jpg at another size; the generated image is
 * the content plus noise. The weights make the three loss terms equally large, so each is checked. The step
 * (1e-3 on the 0..255 scale) is small enough that no ReLU or max-pool kink falls inside it at these points;
 * with 1e-2 one sampled coordinate straddles a kink and its finite difference is off by 4e-4.
 */
@Tag("models")
class ResNet50StyleGradientTest {

    private static final int SIZE = 64;

    @TempDir
    Path temp;

    @Test
    void generatedGradientMatchesFiniteDifferences() throws Exception {
        String prefix = "style/" + MakeStyleModels.PREFIX;
        check(
                "plain Gram losses",
                OnnxModels.read(ModelFiles.generated(prefix + "_style_targets.onnx")),
                OnnxModels.read(ModelFiles.generated(prefix + "_style_grad.onnx")));
    }

    @Test
    void swagGradientMatchesFiniteDifferences() throws Exception {
        String prefix = "style/" + MakeStyleModels.SWAG_PREFIX;
        check(
                "SWAG, temperature " + MakeStyleModels.SWAG_TEMPERATURE,
                OnnxModels.read(ModelFiles.generated(prefix + "_style_targets.onnx")),
                OnnxModels.read(ModelFiles.generated(prefix + "_style_grad.onnx")));
    }

    private void check(String variant, ModelProto targets, ModelProto gradient) throws Exception {
        DoubleTensor content = photo("dog.jpg", SIZE, SIZE);
        DoubleTensor style = photo("scream.jpg", SIZE + 16, SIZE);

        Map<String, DoubleTensor> inputs = new HashMap<>();
        GradientCheck.runOrt(targets, Map.of("image", content), Set.of("content_target_res4f"), temp)
                .forEach((name, tensor) -> inputs.put(name, of(tensor)));
        Set<String> grams = Set.of("style_gram_conv1_relu", "style_gram_res2c", "style_gram_res3d", "style_gram_res4f");
        GradientCheck.runOrt(targets, Map.of("image", style), grams, temp)
                .forEach((name, tensor) -> inputs.put(name, of(tensor)));
        inputs.put("image", noisy(content, 20, 3));
        for (String weight : new String[] {
            "alpha", "beta", "gamma", "lambda_conv1_relu", "lambda_res2c", "lambda_res3d", "lambda_res4f"
        }) {
            inputs.put(weight, DoubleTensor.scalar(1));
        }
        Map<String, FloatTensor> terms =
                GradientCheck.runOrt(gradient, inputs, Set.of("J_content", "J_style", "J_tv"), temp);
        inputs.put("alpha", DoubleTensor.scalar(1 / terms.get("J_content").data()[0]));
        inputs.put("beta", DoubleTensor.scalar(1 / terms.get("J_style").data()[0]));
        inputs.put("gamma", DoubleTensor.scalar(1 / terms.get("J_tv").data()[0]));

        GradientCheck.Report report =
                GradientCheck.checkSampled(gradient, inputs, "image", "J", "grad_image", 16, 8, 1e-3, 17, temp);

        System.out.printf("ResNet-50 style gradient at %dx%d, %s: %s%n", SIZE, SIZE, variant, report);
        assertThat(report.maxRelativeError()).isLessThan(1e-3);
        assertThat(report.maxSmallError()).isLessThan(1e-3);
        assertThat(report.maxDirectionError()).isLessThan(1e-3);
        assertThat(report.lossError()).isLessThan(1e-4);
    }

    /** RGB 0..255, NCHW, resized to width x height. */
    private static DoubleTensor photo(String name, int width, int height) throws Exception {
        var image = new ImageDecoder().decode(Files.readAllBytes(DarknetImages.photo(name)));
        FloatBuffer pixels = FloatInput.allocate(1, 3, height, width);
        ImageTensors.resize(image.image(), width, height, TensorEncoding.rgb(0, 1), pixels);
        float[] values = new float[3 * height * width];
        pixels.flip().get(values);
        return DoubleTensor.of(values, 1, 3, height, width);
    }

    private static DoubleTensor noisy(DoubleTensor image, double deviation, long seed) {
        Random random = new Random(seed);
        double[] values = image.data().clone();
        for (int index = 0; index < values.length; index++) {
            values[index] = (float) Math.min(255, Math.max(0, values[index] + deviation * random.nextGaussian()));
        }
        return new DoubleTensor(values, image.shape());
    }

    private static DoubleTensor of(FloatTensor tensor) {
        return DoubleTensor.of(tensor.data(), tensor.shape());
    }
}
