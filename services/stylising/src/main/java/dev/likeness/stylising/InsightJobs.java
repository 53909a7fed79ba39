package dev.likeness.stylising;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import dev.likeness.core.image.DecodeOptions;
import dev.likeness.core.image.ImageDecoder;
import dev.likeness.core.image.ImageLimits;
import dev.likeness.core.image.ImageRejectedException;
import dev.likeness.core.io.ImageSourceReader;
import dev.likeness.core.kafka.RejectedInputException;
import dev.likeness.events.v1.AtlasIndexed;
import dev.likeness.events.v1.AtlasJob;
import dev.likeness.events.v1.InsightProgress;
import dev.likeness.events.v1.InsightRequested;
import dev.likeness.events.v1.InsightResult;
import dev.likeness.events.v1.MapsJob;
import dev.likeness.insight.ActivationMaps;
import dev.likeness.insight.Corpus;
import dev.likeness.insight.InsightImage;
import dev.likeness.insight.LayerExtractor;
import dev.likeness.insight.ResultFolders;
import dev.likeness.insight.UnitAtlas;

/**
 * The stylising service's share of insight requests (docs/insight.md, "The mesh"): unit atlases of ResNet-50 over a
 * corpus folder, activation maps of one photo, and deleting an atlas. Each request is checked before any network
 * is built; what can never be served throws {@link RejectedInputException} with the reason code the dead letter
 * carries.
 */
@ApplicationScoped
public class InsightJobs {

    private static final Logger LOG = Logger.getLogger(InsightJobs.class);

    static final int CELL = 32;
    static final int UNITS_PER_ROW = 16;
    static final int DEFAULT_CHANNELS = 6;

    /** What a request produced: the result, and for an atlas built or deleted its index record's key and value. */
    public record Outcome(InsightResult result, String atlasName, AtlasIndexed indexed) {

        static Outcome of(InsightResult result) {
            return new Outcome(result, null, null);
        }
    }

    @Inject
    StylisingConfig config;

    private ImageDecoder decoder;
    private ImageSourceReader reader;

    private synchronized void init() {
        if (decoder == null) {
            StylisingConfig.Limits limits = config.limits();
            decoder = new ImageDecoder(
                    new ImageLimits(limits.maxInputBytes(), limits.maxInputPixels(), limits.maxInputSide()));
            reader = new ImageSourceReader(config.allowedImageRoots().orElse(List.of()), limits.maxInputBytes());
        }
    }

    /** Whether this service serves the request's kind (explain requests are the embedding service's). */
    public static boolean serves(InsightRequested request) {
        return switch (request.getJobCase()) {
            case ATLAS, MAPS, DELETE_ATLAS -> true;
            case EXPLAIN -> false;
            case JOB_NOT_SET ->
                throw new RejectedInputException(
                        "MALFORMED_EVENT", "the request names no job (atlas, maps, explain or delete_atlas)");
        };
    }

    /** Runs an atlas, maps or delete request; an atlas job reports its progress to {@code progress}. */
    public Outcome run(InsightRequested request, Consumer<InsightProgress> progress) throws IOException {
        init();
        ResultFolders.name(request.getRequestId(), "request_id");
        return switch (request.getJobCase()) {
            case ATLAS -> atlas(request, progress);
            case MAPS -> maps(request);
            case DELETE_ATLAS -> delete(request);
            default -> throw new IllegalArgumentException("not a stylising job: " + request.getJobCase());
        };
    }

    private Outcome atlas(InsightRequested request, Consumer<InsightProgress> progress) throws IOException {
        AtlasJob job = request.getAtlas();
        String name = ResultFolders.name(job.getName(), "atlas name");
        List<String> layers = layers(job.getLayersList());
        int longSide = longSide(job.getLongSide(), config.insight().atlasLongSide());
        Path root = config.insight().corpusRoot().toAbsolutePath().normalize();
        Path corpus = root.resolve(job.getCorpus()).normalize();
        if (job.getCorpus().isEmpty() || !corpus.startsWith(root) || !Files.isDirectory(corpus)) {
            throw new RejectedInputException(
                    "EMPTY_CORPUS", "no corpus folder '" + job.getCorpus() + "' under the corpus root");
        }
        List<Path> photos = Corpus.photos(corpus);
        if (photos.isEmpty()) {
            throw new RejectedInputException(
                    "EMPTY_CORPUS", "no photos (JPEG, PNG, WebP) in '" + job.getCorpus() + "'");
        }
        long bytes = 0;
        for (Path photo : photos) {
            bytes += Files.size(photo);
        }
        StylisingConfig.Insight limits = config.insight();
        if (photos.size() > limits.maxCorpusPhotos() || bytes > limits.maxCorpusBytes()) {
            throw new RejectedInputException(
                    "CORPUS_OVER_LIMIT",
                    "'" + job.getCorpus() + "' holds " + photos.size() + " photos of " + bytes
                            + " bytes; the limits are " + limits.maxCorpusPhotos() + " photos and "
                            + limits.maxCorpusBytes() + " bytes");
        }
        Path folder = resultsDir().resolve("atlases").resolve(name);
        Path work = Files.createTempDirectory("likeness-insight");
        try (LayerExtractor extractor = extractor(layers, work)) {
            Files.createDirectories(folder);
            Path checkpoint = folder.resolve("atlas.checkpoint");
            UnitAtlas atlas = resumed(extractor, longSide, checkpoint, corpus);
            List<Path> toRun = photos.stream()
                    .filter(photo -> !atlas.contains(Corpus.name(corpus, photo)))
                    .toList();
            int every = limits.checkpointEvery();
            for (int index = 0; index < toRun.size(); index++) {
                Path photo = toRun.get(index);
                try {
                    atlas.add(photo, Corpus.name(corpus, photo));
                } catch (IOException e) {
                    LOG.infof("Atlas %s: left out %s", name, e.getMessage());
                }
                if ((index + 1) % every == 0 || index + 1 == toRun.size()) {
                    atlas.checkpoint(checkpoint);
                    progress.accept(InsightProgress.newBuilder()
                            .setRequestId(request.getRequestId())
                            .setProducedAt(StyleEvents.now())
                            .setPhotosDone(photos.size() - toRun.size() + index + 1)
                            .setPhotosTotal(photos.size())
                            .putAllAttributes(request.getAttributesMap())
                            .build());
                }
            }
            if (atlas.imageCount() == 0) {
                throw new RejectedInputException("EMPTY_CORPUS", "no readable photo in '" + job.getCorpus() + "'");
            }
            atlas.write(folder, CELL, UNITS_PER_ROW);
            AtlasIndexed indexed = AtlasIndexed.newBuilder()
                    .setName(name)
                    .setProducedAt(StyleEvents.now())
                    .setNetwork(extractor.network())
                    .addAllLayers(extractor.layers())
                    .setPhotos(atlas.imageCount())
                    .setLongSide(longSide)
                    .setFolder(folder.toString())
                    .setCorpus(job.getCorpus())
                    .setRequestId(request.getRequestId())
                    .build();
            return new Outcome(result(request, folder), name, indexed);
        } finally {
            ResultFolders.delete(work);
        }
    }

    /** The checkpoint of an earlier run of this atlas, if it was made with the same layers and size. */
    private UnitAtlas resumed(LayerExtractor extractor, int longSide, Path checkpoint, Path corpus) throws IOException {
        UnitAtlas atlas = new UnitAtlas(extractor, decoder, longSide);
        if (!Files.isRegularFile(checkpoint)) {
            return atlas;
        }
        try {
            atlas.resume(checkpoint, corpus);
            return atlas;
        } catch (IllegalArgumentException e) {
            LOG.infof("Not resuming: %s", e.getMessage());
            return new UnitAtlas(extractor, decoder, longSide);
        }
    }

    private Outcome maps(InsightRequested request) throws IOException {
        MapsJob job = request.getMaps();
        List<String> layers = layers(job.getLayersList());
        int longSide = longSide(job.getLongSide(), config.insight().mapsLongSide());
        int channels = job.getChannels() == 0 ? DEFAULT_CHANNELS : job.getChannels();
        if (channels < 1 || channels > config.insight().maxChannels()) {
            throw new RejectedInputException(
                    "INVALID_FIELD",
                    "channels " + channels + " is not in 1.." + config.insight().maxChannels());
        }
        BufferedImage image;
        try {
            image = decoder.decode(reader.read(job.getImage()), DecodeOptions.reducedTo(longSide))
                    .image();
        } catch (ImageRejectedException e) {
            throw RejectedInputException.of(e);
        }
        Path folder = resultsDir().resolve("maps").resolve(request.getRequestId());
        Path work = Files.createTempDirectory("likeness-insight");
        try (LayerExtractor extractor = extractor(layers, work)) {
            ActivationMaps.write(extractor, InsightImage.scaled("photo", image, longSide), channels, folder);
            return Outcome.of(result(request, folder));
        } finally {
            ResultFolders.delete(work);
        }
    }

    private Outcome delete(InsightRequested request) throws IOException {
        String name = ResultFolders.name(request.getDeleteAtlas(), "atlas name");
        Path folder = resultsDir().resolve("atlases").resolve(name);
        ResultFolders.delete(folder);
        return new Outcome(
                InsightResult.newBuilder()
                        .setRequestId(request.getRequestId())
                        .setProducedAt(StyleEvents.now())
                        .setFolder(folder.toString())
                        .putAllAttributes(request.getAttributesMap())
                        .build(),
                name,
                null);
    }

    private LayerExtractor extractor(List<String> layers, Path work) throws IOException {
        try {
            return LayerExtractor.resNet50(config.modelsDir(), layers, work);
        } catch (IllegalArgumentException e) {
            throw new RejectedInputException("UNKNOWN_LAYER", e.getMessage());
        }
    }

    private static List<String> layers(List<String> requested) {
        return requested.isEmpty() ? LayerExtractor.RESNET50_DEFAULT_LAYERS : requested;
    }

    private int longSide(int requested, int fallback) {
        int side = requested == 0 ? fallback : requested;
        if (side < 32 || side > config.insight().maxLongSide()) {
            throw new RejectedInputException(
                    "INVALID_FIELD",
                    "long_side " + side + " is not in 32.." + config.insight().maxLongSide());
        }
        return side;
    }

    private Path resultsDir() {
        return config.insight().resultsDir().toAbsolutePath().normalize();
    }

    private static InsightResult result(InsightRequested request, Path folder) throws IOException {
        List<String> files = new ArrayList<>();
        try (Stream<Path> listed = Files.list(folder)) {
            listed.filter(file -> file.getFileName().toString().endsWith(".png")
                            || file.getFileName().toString().endsWith(".json"))
                    .map(file -> file.getFileName().toString())
                    .sorted()
                    .forEach(files::add);
        }
        return InsightResult.newBuilder()
                .setRequestId(request.getRequestId())
                .setProducedAt(StyleEvents.now())
                .setFolder(folder.toString())
                .addAllFiles(files)
                .putAllAttributes(request.getAttributesMap())
                .build();
    }
}
