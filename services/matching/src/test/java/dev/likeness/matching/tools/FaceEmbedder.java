package dev.likeness.matching.tools;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import dev.likeness.core.calibration.ModelKey;
import dev.likeness.core.image.ImageRejectedException;
import dev.likeness.face.AnalysedFace;
import dev.likeness.face.FaceAnalysis;
import dev.likeness.face.FacePipeline;
import dev.likeness.face.FacePipelineConfig;

/**
 * Embeds labelled photos with the in-process face pipeline, as the embedding service would: the
 * calibration tool and the calibration test share it.
 */
public final class FaceEmbedder implements AutoCloseable {

    private final FacePipeline pipeline;

    /** Embeds with {@code faceplugin-fr-feature}, the model the matching tests were written for. */
    public FaceEmbedder(Path modelsDir) {
        this(FacePipelineConfig.defaults(modelsDir));
    }

    public FaceEmbedder(FacePipelineConfig config) {
        this.pipeline = FacePipeline.open(config);
    }

    /** The models folder the tests are given ({@code -Dlikeness.models.dir}, set by the root pom). */
    public static Path modelsDirFromSystemProperty() {
        return Path.of(System.getProperty("likeness.models.dir", "../../models"));
    }

    public ModelKey model() {
        return new ModelKey(
                pipeline.embeddingModel().id(), pipeline.embeddingModel().version());
    }

    public FaceAnalysis analyse(byte[] image) {
        try {
            return pipeline.analyse(image);
        } catch (ImageRejectedException e) {
            throw new IllegalArgumentException("image refused: " + e.getMessage(), e);
        }
    }

    /** The embedding of the photo's subject (SubjectRule; other faces are bystanders), or empty when no face is found. */
    public Optional<float[]> subjectFace(Path image) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(image);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return analyse(bytes).subject().map(AnalysedFace::embedding);
    }

    /** A folder per identity, each holding that person's photos: identity -> embeddings (photos without a face left out). */
    public Map<String, List<float[]>> embedFolders(Path root) {
        Map<String, List<float[]>> embeddings = new LinkedHashMap<>();
        try (Stream<Path> people = Files.list(root)) {
            for (Path person : people.filter(Files::isDirectory).sorted().toList()) {
                List<float[]> faces = new ArrayList<>();
                try (Stream<Path> photos = Files.list(person)) {
                    for (Path photo :
                            photos.filter(Files::isRegularFile).sorted().toList()) {
                        subjectFace(photo).ifPresent(faces::add);
                    }
                }
                if (!faces.isEmpty()) {
                    embeddings.put(person.getFileName().toString(), faces);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return embeddings;
    }

    public FacePipeline pipeline() {
        return pipeline;
    }

    @Override
    public void close() {
        pipeline.close();
    }
}
