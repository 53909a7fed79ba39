package dev.likeness.learning;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

import dev.likeness.core.calibration.ModelKey;
import dev.likeness.core.image.ImageRejectedException;
import dev.likeness.face.AnalysedFace;
import dev.likeness.face.FaceAnalysis;
import dev.likeness.face.FacePipeline;
import dev.likeness.face.FacePipelineConfig;
import dev.likeness.face.PreparedImage;

/**
 * Embeds a labelled folder (one sub-folder per identity, its photos inside) through the real face
 * pipeline, as the embedding service would: one face per photo, its subject ({@code SubjectRule}: the large
 * face near the centre), because a labelled photo shows its person most prominently and anyone else is a
 * bystander.
 */
public final class FolderEmbedder implements AutoCloseable {

    private static final Set<String> IMAGE_SUFFIXES = Set.of(".jpg", ".jpeg", ".png", ".webp");
    /** Photos per pipeline call: the networks run once per batch. */
    private static final int BATCH = 8;

    private final FacePipeline pipeline;

    public FolderEmbedder(FacePipelineConfig config) {
        this.pipeline = FacePipeline.open(config);
    }

    public ModelKey model() {
        return new ModelKey(
                pipeline.embeddingModel().id(), pipeline.embeddingModel().version());
    }

    /**
     * Every usable photo of every identity. Photos without a face, or that cannot be decoded, are listed
     * in {@link LabelledFaces#skipped()} with the reason; so is an identity left without any photo.
     */
    public LabelledFaces embed(Path root) {
        if (!Files.isDirectory(root)) {
            throw new IllegalArgumentException(root + " is not a folder (expected one sub-folder per identity)");
        }
        Map<String, List<float[]>> byIdentity = new LinkedHashMap<>();
        List<String> skipped = new ArrayList<>();
        for (Path person : list(root).stream().filter(Files::isDirectory).toList()) {
            String identity = person.getFileName().toString();
            List<Path> photos =
                    list(person).stream().filter(FolderEmbedder::isImage).toList();
            List<float[]> faces = new ArrayList<>();
            for (int from = 0; from < photos.size(); from += BATCH) {
                embedBatch(root, photos.subList(from, Math.min(photos.size(), from + BATCH)), faces, skipped);
            }
            if (faces.isEmpty()) {
                skipped.add(identity + "/: no usable photo, identity left out");
            } else {
                byIdentity.put(identity, faces);
            }
        }
        if (byIdentity.isEmpty()) {
            throw new IllegalArgumentException("no face found in any photo under " + root);
        }
        return new LabelledFaces(byIdentity, skipped);
    }

    private void embedBatch(Path root, List<Path> photos, List<float[]> faces, List<String> skipped) {
        List<PreparedImage> prepared = new ArrayList<>();
        List<Path> preparedPhotos = new ArrayList<>();
        for (Path photo : photos) {
            try {
                prepared.add(pipeline.prepare(Files.readAllBytes(photo), 0, 0));
                preparedPhotos.add(photo);
            } catch (ImageRejectedException e) {
                skipped.add(relative(root, photo) + ": image refused (" + e.reason() + "): " + e.getMessage());
            } catch (IOException e) {
                skipped.add(relative(root, photo) + ": unreadable: " + e.getMessage());
            }
        }
        if (prepared.isEmpty()) {
            return;
        }
        List<FaceAnalysis> analyses;
        try {
            analyses = pipeline.analyseAll(prepared);
        } catch (ImageRejectedException e) {
            throw new IllegalStateException("a photo decoded once could not be decoded again: " + e.getMessage(), e);
        }
        for (int i = 0; i < analyses.size(); i++) {
            Optional<AnalysedFace> subject = analyses.get(i).subject();
            if (subject.isPresent()) {
                faces.add(subject.get().embedding());
            } else {
                skipped.add(relative(root, preparedPhotos.get(i)) + ": no face found");
            }
        }
    }

    private static boolean isImage(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return Files.isRegularFile(file) && IMAGE_SUFFIXES.stream().anyMatch(name::endsWith);
    }

    private static List<Path> list(Path folder) {
        try (Stream<Path> entries = Files.list(folder)) {
            return entries.sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + folder, e);
        }
    }

    private static String relative(Path root, Path file) {
        return root.relativize(file).toString();
    }

    @Override
    public void close() {
        pipeline.close();
    }
}
