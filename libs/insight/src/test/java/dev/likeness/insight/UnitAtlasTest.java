package dev.likeness.insight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.likeness.core.image.ImageDecoder;
import dev.likeness.core.onnx.FloatTensor;
import dev.likeness.core.onnx.ModelsDirectory;

/** The atlas of ResNet-50 over the sample photos, against a brute-force ranking of every activation. */
@Tag("models")
class UnitAtlasTest {

    private static final int LONG_SIDE = 160;

    @TempDir
    Path temp;

    @Test
    void keptPositionsAreTheCorpusWideTopNineOfEveryUnit() throws Exception {
        List<Path> corpus = samplePhotos();
        ImageDecoder decoder = new ImageDecoder();
        try (LayerExtractor extractor =
                LayerExtractor.resNet50(ModelsDirectory.locate(), List.of("conv1_relu", "res2c", "res3d"), temp)) {
            UnitAtlas atlas = new UnitAtlas(extractor, decoder, LONG_SIDE);
            List<Map<String, FloatTensor>> everything = new ArrayList<>();
            for (Path photo : corpus) {
                atlas.add(photo);
                everything.add(extractor.run(InsightImage.load(photo, decoder, LONG_SIDE)));
            }

            assertKeepsTheTopNineOfEveryUnit(atlas, extractor, everything);

            Path out = temp.resolve("atlas");
            atlas.write(out, 24, 16);
            JsonNode index =
                    new ObjectMapper().readTree(out.resolve("index.json").toFile());
            assertThat(index.get("images")).hasSize(corpus.size());
            JsonNode res2c = index.get("layers").get(1);
            assertThat(res2c.get("layer").asText()).isEqualTo("res2c");
            assertThat(res2c.get("field").get("size").asInt()).isEqualTo(35);
            assertThat(res2c.get("units")).hasSize(256);
            JsonNode best = res2c.get("units").get(0).get("hits").get(0);
            assertThat((float) best.get("activation").asDouble())
                    .isEqualTo(atlas.top("res2c", 0).get(0).activation());
            BufferedImage grid = ImageIO.read(out.resolve("res2c.png").toFile());
            int block = 3 * 24 + 2 + 6;
            assertThat(grid.getWidth()).isEqualTo(16 * block);
            assertThat(grid.getHeight()).isEqualTo(256 / 16 * block);

            atlas.writeFigure(out.resolve("figure.png"), 4, 24);
            BufferedImage figure = ImageIO.read(out.resolve("figure.png").toFile());
            assertThat(figure.getWidth()).isEqualTo(80 + 4 * block);
            assertThat(figure.getHeight()).isEqualTo(3 * block);
        }
    }

    @Test
    void anAtlasResumedFromACheckpointKeepsWhatOneRunKeeps() throws Exception {
        List<Path> corpus = samplePhotos();
        int half = corpus.size() / 2;
        ImageDecoder decoder = new ImageDecoder();
        Path checkpoint = temp.resolve("atlas.checkpoint");
        try (LayerExtractor extractor =
                LayerExtractor.resNet50(ModelsDirectory.locate(), List.of("conv1_relu", "res2c"), temp)) {
            UnitAtlas oneRun = new UnitAtlas(extractor, decoder, LONG_SIDE);
            UnitAtlas firstRun = new UnitAtlas(extractor, decoder, LONG_SIDE);
            for (int index = 0; index < corpus.size(); index++) {
                oneRun.add(corpus.get(index));
                if (index < half) {
                    firstRun.add(corpus.get(index));
                    firstRun.photoRun(corpus.get(index).getFileName().toString());
                }
            }
            firstRun.checkpoint(checkpoint);
            assertThat(UnitAtlas.network(checkpoint)).isEqualTo("resnet50");

            UnitAtlas resumed = new UnitAtlas(extractor, decoder, LONG_SIDE);
            resumed.resume(checkpoint, corpus.get(0).getParent());
            assertThat(resumed.imageCount()).isEqualTo(half);
            for (Path photo : corpus) {
                String name = photo.getFileName().toString();
                assertThat(resumed.contains(name)).isEqualTo(corpus.indexOf(photo) < half);
                assertThat(resumed.ran(name)).isEqualTo(corpus.indexOf(photo) < half);
                if (!resumed.contains(name)) {
                    resumed.add(photo);
                }
            }

            for (String layer : extractor.layers()) {
                for (int unit = 0; unit < oneRun.units(layer); unit++) {
                    assertThat(resumed.top(layer, unit))
                            .as("%s unit %d", layer, unit)
                            .containsExactlyInAnyOrderElementsOf(oneRun.top(layer, unit));
                }
            }
            assertThat(resumed.units("res2c")).isEqualTo(256);
        }

        try (LayerExtractor other = LayerExtractor.resNet50(ModelsDirectory.locate(), List.of("conv1_relu"), temp)) {
            assertThatThrownBy(() -> new UnitAtlas(other, decoder, LONG_SIDE).resume(checkpoint, temp))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("[conv1_relu, res2c]");
            assertThatThrownBy(() -> new UnitAtlas(other, decoder, LONG_SIDE * 2).resume(checkpoint, temp))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(LONG_SIDE + " px");
        }
    }

    @Test
    void anUnknownLayerIsRefusedWithTheKnownOnes() {
        assertThatThrownBy(() -> LayerExtractor.resNet50(ModelsDirectory.locate(), List.of("res9z"), temp))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no layer 'res9z'")
                .hasMessageContaining("res5c");
    }

    @Test
    void anEmptyAtlasCannotBeWritten() throws Exception {
        try (LayerExtractor extractor =
                LayerExtractor.resNet50(ModelsDirectory.locate(), List.of("conv1_relu"), temp)) {
            UnitAtlas atlas = new UnitAtlas(extractor, new ImageDecoder(), LONG_SIDE);
            assertThatThrownBy(() -> atlas.write(temp.resolve("empty"), 24, 8)).hasMessageContaining("no images");
        }
    }

    /** Every unit of every layer keeps exactly the top 9 of a brute-force ranking of its activations over all images. */
    static void assertKeepsTheTopNineOfEveryUnit(
            UnitAtlas atlas, LayerExtractor extractor, List<Map<String, FloatTensor>> everything) {
        for (String layer : extractor.layers()) {
            int units = everything.get(0).get(layer).dimension(1);
            assertThat(atlas.units(layer)).isEqualTo(units);
            for (int unit = 0; unit < units; unit++) {
                List<Float> all = new ArrayList<>();
                for (Map<String, FloatTensor> maps : everything) {
                    FloatTensor map = maps.get(layer);
                    int plane = map.dimension(2) * map.dimension(3);
                    for (int position = 0; position < plane; position++) {
                        all.add(map.data()[unit * plane + position]);
                    }
                }
                all.sort((a, b) -> Float.compare(b, a));
                List<UnitAtlas.Hit> top = atlas.top(layer, unit);
                assertThat(top.stream().map(UnitAtlas.Hit::activation).toList())
                        .as("%s unit %d", layer, unit)
                        .isEqualTo(all.subList(0, UnitAtlas.TOP));
                for (UnitAtlas.Hit hit : top) {
                    FloatTensor map = everything.get(hit.image()).get(layer);
                    int index = (unit * map.dimension(2) + hit.row()) * map.dimension(3) + hit.column();
                    assertThat(map.data()[index]).isEqualTo(hit.activation());
                }
            }
        }
    }

    static List<Path> samplePhotos() throws Exception {
        try (Stream<Path> files = Files.list(ModelsDirectory.resolve("samples"))) {
            List<Path> photos = files.filter(file -> file.toString().endsWith(".jpg"))
                    .sorted()
                    .toList();
            assertThat(photos).as("sample photos (make models)").hasSizeGreaterThanOrEqualTo(6);
            return photos;
        }
    }
}
