package dev.likeness.insight;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.likeness.core.events.Requests;
import dev.likeness.core.image.ImageDecoder;
import dev.likeness.core.kafka.RejectedInputException;
import dev.likeness.events.v1.AtlasIndexed;
import dev.likeness.events.v1.AtlasJob;
import dev.likeness.events.v1.InsightProgress;
import dev.likeness.events.v1.InsightRequested;
import dev.likeness.events.v1.InsightResult;
import dev.likeness.face.EmbeddingSpec;
import dev.likeness.face.FaceNetworks;
import dev.likeness.face.FacePipeline;

/**
 * Atlas requests as the services serve them (docs/insight.md, "The mesh"), the same for every network: the corpus
 * folder checked against the corpus root and the limits, the network cut after the layers, the pictures run with a
 * checkpoint and a progress event every few photos (going on from the checkpoint of an earlier run), then the files
 * and the index record. Stylising runs ResNet-50 over the photos ({@link #photos}), embedding a face network over the
 * faces found in them ({@link #faces}). What can never be served throws {@link RejectedInputException} with the
 * reason code the dead letter carries.
 */
public final class Atlases {

    private static final System.Logger LOG = System.getLogger(Atlases.class.getName());

    public static final String RESNET50 = "resnet50";

    /** Where a face network's atlas keeps the aligned faces it ran: its corpus, which index.json names. */
    public static final String FACES = "faces";

    public static final String CHECKPOINT = "atlas.checkpoint";

    /**
     * Photos between two checkpoints (and progress events): {@code likeness atlas}'s, and the services' default
     * ({@code insight.checkpoint-every}).
     */
    public static final int CHECKPOINT_EVERY = 20;

    public static final int CELL = 32;
    public static final int UNITS_PER_ROW = 16;

    /** A service's corpus root, results folder and limits: its Quarkus config's insight group extends this. */
    public interface Limits {
        /** Folder whose subfolders atlas requests name as their corpus. */
        Path corpusRoot();

        /** Where atlases are written (atlases/NAME/). */
        Path resultsDir();

        /** A corpus with more photos is refused (CORPUS_OVER_LIMIT). */
        int maxCorpusPhotos();

        /** A corpus whose photos hold more bytes in all is refused (CORPUS_OVER_LIMIT). */
        long maxCorpusBytes();

        /** An atlas job saves its heaps and sends a progress event every this many photos. */
        int checkpointEvery();
    }

    /** What a request produced: the result, and for an atlas built or deleted its index record's key and value. */
    public record Outcome(InsightResult result, String atlasName, AtlasIndexed indexed) {

        public static Outcome of(InsightResult result) {
            return new Outcome(result, null, null);
        }
    }

    /** How a network sees the corpus: what it runs for each photo, and at what size. */
    public interface Network {

        /** The network cut after the layers (none: its defaults); an unknown layer is an IllegalArgumentException. */
        LayerExtractor open(List<String> layers, Path work) throws IOException;

        /** The longer side the pictures are run at. */
        int longSide();

        ImageDecoder decoder();

        /** The folder the pictures lie in, which index.json names them by: the corpus, or the atlas's faces/. */
        Path pictures(Path corpus, Path atlas);

        /** The pictures of one photo of the corpus, named {@code name}, under {@code pictures}. */
        List<Path> of(Path photo, String name, Path pictures) throws IOException;

        /** Why nothing could be run: no photo readable, or no face in any. */
        RejectedInputException nothingRun(String corpus);
    }

    private Atlases() {}

    /**
     * The network an atlas or delete_atlas request names, which says the service that owns the atlas; empty is
     * ResNet-50, as before the field existed.
     */
    public static String network(InsightRequested request) {
        String network =
                switch (request.getJobCase()) {
                    case ATLAS -> request.getAtlas().getNetwork();
                    case DELETE_ATLAS -> request.getDeleteAtlas().getNetwork();
                    default -> throw new IllegalArgumentException("not an atlas job: " + request.getJobCase());
                };
        return network.isEmpty() ? RESNET50 : network;
    }

    /** ResNet-50 over the photos themselves, each scaled to {@code longSide}. */
    public static Network photos(Path modelsDir, ImageDecoder decoder, int longSide) {
        return new Network() {
            @Override
            public LayerExtractor open(List<String> layers, Path work) throws IOException {
                return LayerExtractor.resNet50(
                        modelsDir, layers.isEmpty() ? LayerExtractor.RESNET50_DEFAULT_LAYERS : layers, work);
            }

            @Override
            public int longSide() {
                return longSide;
            }

            @Override
            public ImageDecoder decoder() {
                return decoder;
            }

            @Override
            public Path pictures(Path corpus, Path atlas) {
                return corpus;
            }

            @Override
            public List<Path> of(Path photo, String name, Path pictures) {
                return List.of(photo);
            }

            @Override
            public RejectedInputException nothingRun(String corpus) {
                return new RejectedInputException("EMPTY_CORPUS", "no readable photo in '" + corpus + "'");
            }
        };
    }

    /**
     * A face recognition network over the faces the pipeline finds in the photos, aligned for it and written to the
     * atlas's {@value #FACES}/ (as {@code likeness atlas --network} does), at the network's input size. A resumed job
     * runs only the photos the checkpoint does not record as run: the faces of those it does are in faces/ already.
     */
    public static Network faces(EmbeddingSpec.Network network, FacePipeline pipeline) {
        return new Network() {
            @Override
            public LayerExtractor open(List<String> layers, Path work) throws IOException {
                return LayerExtractor.faceNetwork(
                        network, layers.isEmpty() ? LayerExtractor.faceDefaultLayers(network) : layers, work);
            }

            @Override
            public int longSide() {
                return Math.max(network.model().inputWidth(), network.model().inputHeight());
            }

            @Override
            public ImageDecoder decoder() {
                return pipeline.decoder();
            }

            @Override
            public Path pictures(Path corpus, Path atlas) {
                return atlas.resolve(FACES);
            }

            @Override
            public List<Path> of(Path photo, String name, Path pictures) throws IOException {
                return AlignedFaces.write(pipeline, photo, name, network, pictures);
            }

            @Override
            public RejectedInputException nothingRun(String corpus) {
                return new RejectedInputException("NO_FACE", "no face found in the photos of '" + corpus + "'");
            }
        };
    }

    /**
     * The face network a job names.
     *
     * @throws RejectedInputException INVALID_FIELD for a network that has no atlas
     */
    public static EmbeddingSpec.Network faceNetwork(String id, Path modelsDir) {
        if (!id.equals(FaceNetworks.FR_FEATURE) && !id.equals(FaceNetworks.DLIB)) {
            throw unknownNetwork(id);
        }
        return FaceNetworks.embedding(id, modelsDir).networks().get(0);
    }

    private static RejectedInputException unknownNetwork(String id) {
        return new RejectedInputException(
                "INVALID_FIELD",
                "an atlas's network is " + RESNET50 + ", " + FaceNetworks.FR_FEATURE + " or " + FaceNetworks.DLIB
                        + ", not '" + id + "'");
    }

    /** Builds (or goes on with) the atlas a request asks for; {@code progress} gets an event at every checkpoint. */
    public static Outcome run(
            InsightRequested request, Limits limits, Network network, Consumer<InsightProgress> progress)
            throws IOException {
        AtlasJob job = request.getAtlas();
        String name = ResultFolders.name(job.getName(), "atlas name");
        Path corpus = corpus(job.getCorpus(), limits);
        List<Path> photos = Corpus.photos(corpus);
        if (photos.isEmpty()) {
            throw new RejectedInputException(
                    "EMPTY_CORPUS", "no photos (JPEG, PNG, WebP) in '" + job.getCorpus() + "'");
        }
        long bytes = 0;
        for (Path photo : photos) {
            bytes += Files.size(photo);
        }
        if (photos.size() > limits.maxCorpusPhotos() || bytes > limits.maxCorpusBytes()) {
            throw new RejectedInputException(
                    "CORPUS_OVER_LIMIT",
                    "'" + job.getCorpus() + "' holds " + photos.size() + " photos of " + bytes
                            + " bytes; the limits are " + limits.maxCorpusPhotos() + " photos and "
                            + limits.maxCorpusBytes() + " bytes");
        }
        Path folder = atlasFolder(limits, name);
        boolean existed = Files.isDirectory(folder);
        Path work = Files.createTempDirectory("likeness-insight");
        try (LayerExtractor extractor = extractor(network, job.getLayersList(), work)) {
            owned(folder, name, extractor.network());
            Files.createDirectories(folder);
            Path checkpoint = folder.resolve(CHECKPOINT);
            Path pictures = network.pictures(corpus, folder);
            UnitAtlas atlas = resumed(extractor, network, checkpoint, pictures);
            if (!Files.exists(checkpoint)) {
                // Claims the name for this network at once: another network's request for it is refused from now.
                atlas.checkpoint(checkpoint);
            }
            List<Path> toRun = photos.stream()
                    .filter(photo -> !atlas.ran(Corpus.name(corpus, photo)))
                    .toList();
            int every = limits.checkpointEvery();
            for (int index = 0; index < toRun.size(); index++) {
                Path photo = toRun.get(index);
                try {
                    for (Path picture : network.of(photo, Corpus.name(corpus, photo), pictures)) {
                        String pictureName = Corpus.name(pictures, picture);
                        if (!atlas.contains(pictureName)) {
                            atlas.add(picture, pictureName);
                        }
                    }
                    atlas.photoRun(Corpus.name(corpus, photo));
                } catch (IOException e) {
                    LOG.log(System.Logger.Level.INFO, "Atlas {0}: left out {1}", name, e.getMessage());
                }
                if ((index + 1) % every == 0 || index + 1 == toRun.size()) {
                    atlas.checkpoint(checkpoint);
                    progress.accept(InsightProgress.newBuilder()
                            .setRequestId(request.getRequestId())
                            .setProducedAt(now())
                            .setPhotosDone(photos.size() - toRun.size() + index + 1)
                            .setPhotosTotal(photos.size())
                            .putAllAttributes(request.getAttributesMap())
                            .build());
                }
            }
            if (atlas.imageCount() == 0) {
                if (!existed) {
                    // A dead letter leaves no folder behind (a checkpoint of nothing, no faces).
                    ResultFolders.delete(folder);
                }
                throw network.nothingRun(job.getCorpus());
            }
            atlas.write(folder, CELL, UNITS_PER_ROW);
            AtlasIndexed indexed = AtlasIndexed.newBuilder()
                    .setName(name)
                    .setProducedAt(now())
                    .setNetwork(extractor.network())
                    .addAllLayers(extractor.layers())
                    .setPhotos(atlas.imageCount())
                    .setLongSide(network.longSide())
                    .setFolder(folder.toString())
                    .setCorpus(job.getCorpus())
                    .setRequestId(request.getRequestId())
                    .build();
            return new Outcome(result(request, folder), name, indexed);
        } finally {
            ResultFolders.delete(work);
        }
    }

    /**
     * Deletes the atlas a delete_atlas request names from this results folder (nothing there is fine); the outcome
     * is the result and the index's tombstone. An atlas of another network under that name is not this service's
     * (INVALID_FIELD), nor is a network that has no atlases.
     */
    public static Outcome delete(InsightRequested request, Path resultsDir) throws IOException {
        String name = ResultFolders.name(request.getDeleteAtlas().getName(), "atlas name");
        String network = network(request);
        if (!network.equals(RESNET50)
                && !network.equals(FaceNetworks.FR_FEATURE)
                && !network.equals(FaceNetworks.DLIB)) {
            throw unknownNetwork(network);
        }
        Path folder = resultsDir.toAbsolutePath().normalize().resolve("atlases").resolve(name);
        owned(folder, name, network);
        ResultFolders.delete(folder);
        return new Outcome(
                InsightResult.newBuilder()
                        .setRequestId(request.getRequestId())
                        .setProducedAt(now())
                        .setFolder(folder.toString())
                        .putAllAttributes(request.getAttributesMap())
                        .build(),
                name,
                null);
    }

    /** The result of a job that wrote {@code folder}: its PNG and JSON files. */
    public static InsightResult result(InsightRequested request, Path folder) throws IOException {
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
                .setProducedAt(now())
                .setFolder(folder.toString())
                .addAllFiles(files)
                .putAllAttributes(request.getAttributesMap())
                .build();
    }

    /** The corpus folder a job names, under the corpus root (a name leaving the root, or none, is EMPTY_CORPUS). */
    private static Path corpus(String name, Limits limits) {
        Path root = limits.corpusRoot().toAbsolutePath().normalize();
        Path corpus = root.resolve(name).normalize();
        if (name.isEmpty() || !corpus.startsWith(root) || !Files.isDirectory(corpus)) {
            throw new RejectedInputException("EMPTY_CORPUS", "no corpus folder '" + name + "' under the corpus root");
        }
        return corpus;
    }

    /**
     * Refuses an atlas folder that holds another network's atlas (its checkpoint, or without one its index.json, names
     * the network): stylising and embedding share the atlas names, and on a shared volume the folders.
     */
    private static void owned(Path folder, String name, String network) throws IOException {
        String existing = null;
        Path checkpoint = folder.resolve(CHECKPOINT);
        Path index = folder.resolve("index.json");
        if (Files.isRegularFile(checkpoint)) {
            try {
                existing = UnitAtlas.network(checkpoint);
            } catch (IllegalArgumentException e) {
                // Another checkpoint version: index.json tells.
            }
        }
        if (existing == null && Files.isRegularFile(index)) {
            existing =
                    new ObjectMapper().readTree(index.toFile()).path("network").asText(null);
        }
        if (existing != null && !existing.equals(network)) {
            throw new RejectedInputException(
                    "INVALID_FIELD",
                    "atlas '" + name + "' is an atlas of " + existing + ", not of " + network
                            + ": another network's atlas needs another name");
        }
    }

    private static Path atlasFolder(Limits limits, String name) {
        return limits.resultsDir()
                .toAbsolutePath()
                .normalize()
                .resolve("atlases")
                .resolve(name);
    }

    /** The network cut after the layers (none: its defaults); an unknown layer is UNKNOWN_LAYER. */
    public static LayerExtractor extractor(Network network, List<String> layers, Path work) throws IOException {
        try {
            return network.open(layers, work);
        } catch (IllegalArgumentException e) {
            throw new RejectedInputException("UNKNOWN_LAYER", e.getMessage());
        }
    }

    /** The checkpoint of an earlier run of this atlas, if it was made with the same network, layers and size. */
    private static UnitAtlas resumed(LayerExtractor extractor, Network network, Path checkpoint, Path pictures)
            throws IOException {
        UnitAtlas atlas = new UnitAtlas(extractor, network.decoder(), network.longSide());
        if (!Files.isRegularFile(checkpoint)) {
            return atlas;
        }
        try {
            atlas.resume(checkpoint, pictures);
            return atlas;
        } catch (IllegalArgumentException e) {
            LOG.log(System.Logger.Level.INFO, "Not resuming: {0}", e.getMessage());
            return new UnitAtlas(extractor, network.decoder(), network.longSide());
        }
    }

    private static com.google.protobuf.Timestamp now() {
        return Requests.timestamp(Instant.now());
    }
}
