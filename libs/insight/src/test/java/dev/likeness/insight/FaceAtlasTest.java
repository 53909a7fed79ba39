package dev.likeness.insight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.likeness.core.image.ImageDecoder;
import dev.likeness.core.onnx.FloatTensor;
import dev.likeness.core.onnx.ModelsDirectory;
import dev.likeness.face.Alignment;
import dev.likeness.face.EmbeddingSpec;
import dev.likeness.face.FaceNetworks;
import dev.likeness.face.FacePipeline;
import dev.likeness.face.FacePipelineConfig;
import dev.likeness.onnx.tools.OnnxModels;

/** Unit atlases of the face recognition networks over the aligned faces of the sample photos. */
@Tag("models")
class FaceAtlasTest {

    @TempDir
    Path temp;

    @Test
    void theDefaultLayersAreTheStemAndTheLastBlockOfEveryResolution() throws Exception {
        Path models = ModelsDirectory.locate();
        for (EmbeddingSpec.Network network : List.of(
                new EmbeddingSpec.Network(FaceNetworks.frFeature(models), Alignment.ARCFACE, 1),
                new EmbeddingSpec.Network(FaceNetworks.dlib(models), Alignment.DLIB_CHIP, 1))) {
            List<String> all = List.copyOf(
                    LayerExtractor.faceLayers(OnnxModels.read(network.model().path()))
                            .keySet());
            List<String> defaults = LayerExtractor.faceDefaultLayers(network);
            try (LayerExtractor extractor = LayerExtractor.faceNetwork(network, all, temp)) {
                // Strides read off the extractor's graph (the network behind its input normalisation).
                List<String> expected = new ArrayList<>(List.of("stem"));
                for (int block = 1; block < all.size(); block++) {
                    String layer = all.get(block);
                    boolean lastAtItsResolution = block == all.size() - 1
                            || extractor.field(all.get(block + 1)).rows().stride()
                                    > extractor.field(layer).rows().stride();
                    if (lastAtItsResolution) {
                        expected.add(layer);
                    }
                }
                assertThat(defaults)
                        .as(network.model().id())
                        .isEqualTo(expected)
                        .hasSizeGreaterThanOrEqualTo(4);
                assertThat(defaults.stream()
                                .mapToLong(
                                        layer -> extractor.field(layer).rows().stride())
                                .toArray())
                        .as("%s: strides of %s", network.model().id(), defaults)
                        .isSorted()
                        .doesNotHaveDuplicates();
            }
        }
    }

    @Test
    void anAtlasOfFrFeatureOverAlignedFacesKeepsTheTopNineOfEveryUnit() throws Exception {
        Path models = ModelsDirectory.locate();
        EmbeddingSpec.Network network = new EmbeddingSpec.Network(FaceNetworks.frFeature(models), Alignment.ARCFACE, 1);
        Path faces = temp.resolve("faces");
        List<Path> files = new ArrayList<>();
        try (FacePipeline pipeline = FacePipeline.open(FacePipelineConfig.defaults(models))) {
            for (Path photo : UnitAtlasTest.samplePhotos()) {
                files.addAll(
                        AlignedFaces.write(pipeline, photo, photo.getFileName().toString(), network, faces));
            }
        }
        assertThat(files).hasSizeGreaterThanOrEqualTo(6);
        BufferedImage face = ImageIO.read(files.get(0).toFile());
        assertThat(List.of(face.getWidth(), face.getHeight())).containsExactly(112, 112);
        assertThat(files.get(0).getFileName().toString()).endsWith("_face0.png");

        List<String> defaults = LayerExtractor.faceDefaultLayers(network);
        List<String> layers = List.of(defaults.get(0), defaults.get(2));
        ImageDecoder decoder = new ImageDecoder();
        try (LayerExtractor extractor = LayerExtractor.faceNetwork(network, layers, temp)) {
            assertThat(extractor.network()).isEqualTo(FaceNetworks.FR_FEATURE);
            UnitAtlas atlas = new UnitAtlas(extractor, decoder, 112);
            List<Map<String, FloatTensor>> everything = new ArrayList<>();
            for (Path file : files) {
                atlas.add(file);
                everything.add(extractor.run(InsightImage.load(file, decoder, 112)));
            }
            UnitAtlasTest.assertKeepsTheTopNineOfEveryUnit(atlas, extractor, everything);

            Path out = temp.resolve("atlas");
            atlas.write(out, 24, 16);
            JsonNode index =
                    new ObjectMapper().readTree(out.resolve("index.json").toFile());
            assertThat(index.get("network").asText()).isEqualTo(FaceNetworks.FR_FEATURE);
            assertThat(index.get("images")).hasSize(files.size());
            JsonNode block = index.get("layers").get(1);
            assertThat(block.get("layer").asText()).isEqualTo(layers.get(1));
            assertThat(block.get("field").get("size").asLong())
                    .isEqualTo(extractor.field(layers.get(1)).rows().size())
                    .isGreaterThan(extractor.field("stem").rows().size());
        }
    }

    @Test
    void anUnknownLayerIsRefusedWithTheKnownOnes() {
        EmbeddingSpec.Network network =
                new EmbeddingSpec.Network(FaceNetworks.dlib(ModelsDirectory.locate()), Alignment.DLIB_CHIP, 1);
        assertThatThrownBy(() -> LayerExtractor.faceNetwork(network, List.of("res2c"), temp))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no layer 'res2c'")
                .hasMessageContaining("stem, block1");
    }
}
