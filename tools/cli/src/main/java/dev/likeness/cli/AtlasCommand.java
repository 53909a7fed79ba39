package dev.likeness.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import dev.likeness.core.image.ImageDecoder;
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
        description = "What each unit of ResNet-50's layers responds to (Zeiler and Fergus): run a folder of photos"
                + " in-process, keep per unit the 9 positions where it fires most, and write index.json and one PNG grid"
                + " per layer (each unit a 3x3 block of its receptive-field patches, strongest first). Needs no Kafka.")
final class AtlasCommand implements Callable<Integer> {

    /** The heaps so far, saved every {@value #CHECKPOINT_EVERY} photos and at the end, for --resume. */
    static final String CHECKPOINT = "atlas.checkpoint";

    static final int CHECKPOINT_EVERY = 20;

    @Parameters(
            index = "0",
            paramLabel = "FOLDER",
            description = "The corpus: photos (JPEG, PNG, WebP) in a folder and its subfolders.")
    Path folder;

    @Option(
            names = "--layers",
            split = ",",
            paramLabel = "LAYER",
            description = "ResNet-50 layers: conv1_relu, res2a..res2c, res3a..res3d, res4a..res4f, res5a..res5c"
                    + " (default: conv1_relu,res2c,res3d,res4f,res5c).")
    List<String> layers = LayerExtractor.RESNET50_DEFAULT_LAYERS;

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
            description = "Each photo is scaled so its longer side has this many pixels (default: ${DEFAULT-VALUE}).")
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

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        List<Path> photos = photos(folder);
        if (longSide < 32 || cell < 4 || unitsPerRow < 1) {
            throw new CliException(ExitCodes.USAGE, "--long-side must be >= 32, --cell >= 4, --units-per-row >= 1");
        }
        PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        Path work = InsightOptions.workFolder();
        try (LayerExtractor extractor = extractor(work)) {
            UnitAtlas atlas = new UnitAtlas(extractor, new ImageDecoder(), longSide);
            Path checkpoint = output.resolve(CHECKPOINT);
            if (resume && Files.isRegularFile(checkpoint)) {
                try {
                    atlas.resume(checkpoint, folder);
                } catch (IllegalArgumentException e) {
                    throw new CliException(ExitCodes.USAGE, e.getMessage());
                }
            }
            List<Path> toRun = photos.stream()
                    .filter(photo -> !atlas.contains(name(photo)))
                    .toList();
            if (atlas.imageCount() > 0) {
                out.printf(
                        Locale.ROOT,
                        "resumed from %s: %d photos, %d to run%n",
                        checkpoint,
                        atlas.imageCount(),
                        toRun.size());
            }
            Files.createDirectories(output);
            ProgressLine progress = ProgressLine.onTerminal(err, "photos", toRun.size());
            for (int index = 0; index < toRun.size(); index++) {
                Path photo = toRun.get(index);
                try {
                    atlas.add(photo, name(photo));
                } catch (IOException e) {
                    err.println("likeness: left out " + e.getMessage());
                }
                progress.advance();
                if ((index + 1) % CHECKPOINT_EVERY == 0 || index + 1 == toRun.size()) {
                    atlas.checkpoint(checkpoint);
                }
            }
            progress.finish();
            err.flush();
            if (atlas.imageCount() == 0) {
                throw new CliException(ExitCodes.USAGE, "no readable photo in " + folder);
            }
            atlas.write(output, cell, unitsPerRow);
            if (figureUnits > 0) {
                atlas.writeFigure(output.resolve("figure.png"), figureUnits, cell);
            }
            out.printf(
                    Locale.ROOT,
                    "atlas of %s over %d photos, layers %s: %s%n",
                    extractor.network(),
                    atlas.imageCount(),
                    String.join(", ", extractor.layers()),
                    output.resolve("index.json"));
            out.flush();
        } finally {
            InsightOptions.delete(work);
        }
        return ExitCodes.OK;
    }

    private LayerExtractor extractor(Path work) throws IOException {
        try {
            return LayerExtractor.resNet50(insight.models(LayerExtractor.RESNET50), layers, work);
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCodes.USAGE, e.getMessage());
        }
    }

    private String name(Path photo) {
        return Corpus.name(folder, photo);
    }

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
