package dev.likeness.insight;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.likeness.core.image.ImageDecoder;
import dev.likeness.core.onnx.FloatTensor;
import dev.likeness.core.onnx.ModelsDirectory;

/** Activation maps of one sample photo through ResNet-50. */
@Tag("models")
class ActivationMapsTest {

    @TempDir
    Path temp;

    @Test
    void strongestChannelsAreShownOverThePicture() throws Exception {
        InsightImage image = InsightImage.load(ModelsDirectory.resolve("samples/sample2.jpg"), new ImageDecoder(), 192);
        try (LayerExtractor extractor =
                LayerExtractor.resNet50(ModelsDirectory.locate(), List.of("conv1_relu", "res3d"), temp)) {
            List<ActivationMaps.Channel> shown = ActivationMaps.write(extractor, image, 4, temp.resolve("maps"));

            FloatTensor res3d = extractor.run(image).get("res3d");
            int plane = res3d.dimension(2) * res3d.dimension(3);
            float overallPeak = Float.NEGATIVE_INFINITY;
            for (float value : res3d.data()) {
                overallPeak = Math.max(overallPeak, value);
            }
            List<ActivationMaps.Channel> strongest = shown.subList(4, 8);
            assertThat(strongest).allMatch(channel -> channel.layer().equals("res3d"));
            assertThat(strongest.get(0).peak()).isEqualTo(overallPeak);
            for (int i = 1; i < 4; i++) {
                assertThat(strongest.get(i).peak())
                        .isLessThanOrEqualTo(strongest.get(i - 1).peak());
            }
            int channel = strongest.get(0).channel();
            float channelPeak = Float.NEGATIVE_INFINITY;
            for (int p = 0; p < plane; p++) {
                channelPeak = Math.max(channelPeak, res3d.data()[channel * plane + p]);
            }
            assertThat(channelPeak).isEqualTo(overallPeak);

            // Resampled over the picture, the map keeps its range: its peak is the channel's.
            float[] over = ActivationMaps.overPicture(res3d, channel, extractor.field("res3d"), image);
            float resampledPeak = Float.NEGATIVE_INFINITY;
            for (float value : over) {
                resampledPeak = Math.max(resampledPeak, value);
            }
            assertThat(resampledPeak).isCloseTo(overallPeak, org.assertj.core.data.Offset.offset(1e-3f * overallPeak));

            BufferedImage row = ImageIO.read(temp.resolve("maps/res3d.png").toFile());
            assertThat(row.getWidth()).isEqualTo(5 * image.width());
            assertThat(row.getHeight()).isEqualTo(image.height());
        }
    }
}
