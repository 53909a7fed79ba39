package dev.likeness.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import dev.likeness.core.image.ImageDecoder;
import dev.likeness.core.kafka.Topics;
import dev.likeness.events.v1.AtlasJob;
import dev.likeness.events.v1.InsightRequested;
import dev.likeness.face.EmbeddingSpec;
import dev.likeness.face.FaceNetworks;
import dev.likeness.face.FacePipeline;
import dev.likeness.face.FacePipelineConfig;
import dev.likeness.insight.AlignedFaces;
import dev.likeness.insight.Atlases;
import dev.likeness.insight.Corpus;
import dev.likeness.insight.LayerExtractor;
import dev.likeness.insight.UnitAtlas;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
        name = "atlas",
        description = "What each unit of a network's layers responds to (Zeiler and Fergus): run a folder of photos"
                + " in-process, keep per unit the 9 positions where it fires most, and write index.json and one PNG grid"
                + " per layer (each unit a 3x3 block of its receptive-field patches, strongest first). ResNet-50 sees"
                + " the photos, a face network the faces found in them, aligned for it. Needs no Kafka; --mesh asks the"
                + " service that holds the network instead (stylising for ResNet-50, embedding for a face network).")
final class AtlasCommand implements Callable<Integer> {

    static final String RESNET50 = Atlases.RESNET50;

    /**
     * Where a face network's atlas keeps the aligned faces it ran: its corpus, which index.json names (the same as
     * the embedding service's atlases).
     */
    static final String FACES = Atlases.FACES;

    /** The heaps so far, saved every {@value Atlases#CHECKPOINT_EVERY} photos and at the end, for --resume. */
    static final String CHECKPOINT = Atlases.CHECKPOINT;

    @Parameters(
            index = "0",
            paramLabel = "FOLDER",
            description = "The corpus: photos (JPEG, PNG, WebP) in a folder and its subfolders; with --mesh, a folder"
                    + " under the corpus root of the service that holds the network (e.g. default on Kubernetes).")
    Path folder;

    @Option(
            names = "--name",
            paramLabel = "NAME",
            description = "--mesh: the atlas's name, its folder on the service's results volume and its key on "
                    + Topics.INSIGHT_ATLASES + " (default: FOLDER's name; needed where FOLDER has none, as /).")
    String name;

    @Option(
            names = "--layers",
            split = ",",
            paramLabel = "LAYER",
            description = "ResNet-50 layers: conv1_relu, res2a..res2c, res3a..res3d, res4a..res4f, res5a..res5c"
                    + " (default: conv1_relu,res2c,res3d,res4f,res5c); a face network's: stem, block1..blockN (default:"
                    + " the stem and the last block of every resolution).")
    List<String> layers;

    @Option(
            names = "--network",
            paramLabel = "NETWORK",
            defaultValue = RESNET50,
            description = RESNET50 + " (ImageNet, the default), " + FaceNetworks.FR_FEATURE + " or " + FaceNetworks.DLIB
                    + " (the face recognition networks: their atlas runs the aligned faces of the photos, written to"
                    + " DIR/" + FACES + ", at the network's input size, so --long-side is refused).")
    String networkName;

    @Option(
            names = "--out",
            paramLabel = "DIR",
            defaultValue = "likeness-atlas",
            description = "Where index.json and the grids go (default: ${DEFAULT-VALUE}).")
    Path output;

    @Option(
            names = "--long-side",
            paramLabel = "PX",
            defaultValue = "224",
            description = "ResNet-50: each photo is scaled so its longer side has this many pixels (default:"
                    + " ${DEFAULT-VALUE}; with --mesh, the stylising service's).")
    int longSide;

    @Option(
            names = "--cell",
            paramLabel = "PX",
            defaultValue = "32",
            description = "Size of one patch in the grids (default: ${DEFAULT-VALUE}).")
    int cell;

    @Option(
            names = "--units-per-row",
            paramLabel = "N",
            defaultValue = "16",
            description = "Units per row of a grid (default: ${DEFAULT-VALUE}).")
    int unitsPerRow;

    @Option(
            names = "--figure",
            paramLabel = "UNITS",
            defaultValue = "0",
            description =
                    "Also write figure.png: this many units of every layer, those whose patches come from the most"
                            + " different photos (default: none).")
    int figureUnits;

    @Option(
            names = "--resume",
            description = "Go on from DIR/" + CHECKPOINT + " of an earlier run with the same layers and --long-side:"
                    + " photos it holds are not run again (an interrupted run, or photos added to the folder since).")
    boolean resume;

    @Mixin
    InsightOptions insight;

    @Mixin
    InsightMeshOptions mesh;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (!networkName.equals(RESNET50) && spec.commandLine().getParseResult().hasMatchedOption("--long-side")) {
            throw new CliException(
                    ExitCodes.USAGE,
                    "--long-side is " + RESNET50 + "'s only: a face network runs its aligned faces at its input size");
        }
        if (mesh.mesh) {
            return mesh.request(
                    InsightRequested.newBuilder().setAtlas(meshJob()),
                    spec,
                    "--out",
                    "--cell",
                    "--units-per-row",
                    "--figure",
                    "--resume",
                    "--models");
        }
        List<Path> photos = photos(folder);
        if (longSide < 32 || cell < 4 || unitsPerRow < 1) {
            throw new CliException(ExitCodes.USAGE, "--long-side must be >= 32, --cell >= 4, --units-per-row >= 1");
        }
        PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        Path work = InsightOptions.workFolder();
        EmbeddingSpec.Network faceNetwork = faceNetwork();
        try (LayerExtractor extractor = extractor(faceNetwork, work)) {
            Path corpus = folder;
            List<Path> pictures = photos;
            int size = longSide;
            if (faceNetwork != null) {
                corpus = output.resolve(FACES);
                pictures = alignedFaces(faceNetwork, photos, corpus, err);
                size = Math.max(
                        faceNetwork.model().inputWidth(), faceNetwork.model().inputHeight());
            }
            UnitAtlas atlas = new UnitAtlas(extractor, new ImageDecoder(), size);
            Path checkpoint = output.resolve(CHECKPOINT);
            if (resume && Files.isRegularFile(checkpoint)) {
                try {
                    atlas.resume(checkpoint, corpus);
                } catch (IllegalArgumentException e) {
                    throw new CliException(ExitCodes.USAGE, e.getMessage());
                }
            }
            Path names = corpus;
            List<Path> toRun = pictures.stream()
                    .filter(picture -> !atlas.contains(Corpus.name(names, picture)))
                    .toList();
            String what = faceNetwork == null ? "photos" : "faces";
            if (atlas.imageCount() > 0) {
                out.printf(
                        Locale.ROOT,
                        "resumed from %s: %d %s, %d to run%n",
                        checkpoint,
                        atlas.imageCount(),
                        what,
                        toRun.size());
            }
            Files.createDirectories(output);
            ProgressLine progress = ProgressLine.onTerminal(err, what, toRun.size());
            for (int index = 0; index < toRun.size(); index++) {
                Path picture = toRun.get(index);
                try {
                    atlas.add(picture, Corpus.name(corpus, picture));
                } catch (IOException e) {
                    err.println("likeness: left out " + e.getMessage());
                }
                progress.advance();
                if ((index + 1) % Atlases.CHECKPOINT_EVERY == 0 || index + 1 == toRun.size()) {
                    atlas.checkpoint(checkpoint);
                }
            }
            progress.finish();
            err.flush();
            if (atlas.imageCount() == 0) {
                throw new CliException(
                        ExitCodes.USAGE,
                        (faceNetwork == null ? "no readable photo in " : "no face in the photos of ") + folder);
            }
            atlas.write(output, cell, unitsPerRow);
            if (figureUnits > 0) {
                atlas.writeFigure(output.resolve("figure.png"), figureUnits, cell);
            }
            out.printf(
                    Locale.ROOT,
                    "atlas of %s over %d %s, layers %s: %s%n",
                    extractor.network(),
                    atlas.imageCount(),
                    what,
                    String.join(", ", extractor.layers()),
                    output.resolve("index.json"));
            out.flush();
        } finally {
            InsightOptions.delete(work);
        }
        return ExitCodes.OK;
    }

    /**
     * The request of --mesh: the service that holds the network reads FOLDER under its corpus root, its defaults for
     * what is not given.
     */
    private AtlasJob meshJob() {
        if (name == null && folder.getFileName() == null) {
            throw new CliException(
                    ExitCodes.USAGE, "--mesh: " + folder + " has no name to give the atlas: pass --name");
        }
        // Stylising serves resnet50, embedding the face networks; an unknown network is its dead letter.
        AtlasJob.Builder job = AtlasJob.newBuilder()
                .setName(name != null ? name : folder.getFileName().toString())
                .setCorpus(folder.toString())
                .setNetwork(networkName);
        if (layers != null) {
            job.addAllLayers(layers);
        }
        if (spec.commandLine().getParseResult().hasMatchedOption("--long-side")) {
            job.setLongSide(longSide);
        }
        return job.build();
    }

    /** The face network --network names, or null for ResNet-50. */
    private EmbeddingSpec.Network faceNetwork() {
        if (networkName.equals(RESNET50)) {
            return null;
        }
        if (!networkName.equals(FaceNetworks.FR_FEATURE) && !networkName.equals(FaceNetworks.DLIB)) {
            throw new CliException(
                    ExitCodes.USAGE,
                    "--network is " + RESNET50 + ", " + FaceNetworks.FR_FEATURE + " or " + FaceNetworks.DLIB + ", not "
                            + networkName);
        }
        return FaceNetworks.embedding(networkName, insight.models(FACE_MODELS))
                .networks()
                .get(0);
    }

    private LayerExtractor extractor(EmbeddingSpec.Network faceNetwork, Path work) throws IOException {
        try {
            if (faceNetwork == null) {
                return LayerExtractor.resNet50(
                        insight.models(LayerExtractor.RESNET50),
                        layers == null ? LayerExtractor.RESNET50_DEFAULT_LAYERS : layers,
                        work);
            }
            return LayerExtractor.faceNetwork(
                    faceNetwork, layers == null ? LayerExtractor.faceDefaultLayers(faceNetwork) : layers, work);
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCodes.USAGE, e.getMessage());
        }
    }

    /** Every face of the photos, aligned for the network, written under {@code faces} (again on --resume: the same). */
    private List<Path> alignedFaces(EmbeddingSpec.Network network, List<Path> photos, Path faces, PrintWriter err)
            throws IOException {
        List<Path> files = new ArrayList<>();
        try (FacePipeline pipeline = FacePipeline.open(FacePipelineConfig.defaults(insight.models(FACE_MODELS)))) {
            ProgressLine progress = ProgressLine.onTerminal(err, "photos aligned", photos.size());
            for (Path photo : photos) {
                try {
                    files.addAll(AlignedFaces.write(pipeline, photo, Corpus.name(folder, photo), network, faces));
                } catch (IOException e) {
                    err.println("likeness: left out " + e.getMessage());
                }
                progress.advance();
            }
            progress.finish();
        }
        return files;
    }

    /** What the face pipeline and the face networks need from the models folder. */
    private static final String FACE_MODELS = "face/batch/fr_feature.onnx";

    static List<Path> photos(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            throw new CliException(ExitCodes.USAGE, folder + " is not a folder");
        }
        List<Path> photos = Corpus.photos(folder);
        if (photos.isEmpty()) {
            throw new CliException(ExitCodes.USAGE, "no photos (JPEG, PNG, WebP) in " + folder);
        }
        return photos;
    }
}
