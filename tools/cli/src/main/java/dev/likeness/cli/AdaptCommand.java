package dev.likeness.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import dev.likeness.face.FaceNetworks;
import dev.likeness.learning.Adapter;
import dev.likeness.learning.adaptation.Adaptation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
        name = "adapt",
        description = "Train a linear head on the frozen embeddings of a labelled folder with the triplet"
                + " loss (semi-hard negatives, held-out identities, early stopping on held-out TAR at FAR 1e-2), export base"
                + " model + head as one new ONNX model with a new model id, fit the learned verification head and tau for it,"
                + " and write a before/after report. Needs no Kafka.")
final class AdaptCommand implements Callable<Integer> {

    @Mixin
    LabelledFolderOptions labelled;

    @Option(
            names = "--out",
            paramLabel = "DIR",
            defaultValue = "likeness-adapted",
            description = "Where the model, heads/, adapted.properties and report.md go (default: ${DEFAULT-VALUE}).")
    Path output;

    @Option(
            names = "--model-id",
            paramLabel = "ID",
            defaultValue = "faceplugin-fr-feature-adapted",
            description = "The adapted model's id in events: never the base model's (default: ${DEFAULT-VALUE}).")
    String modelId;

    @Option(
            names = "--dimension",
            paramLabel = "K",
            defaultValue = "512",
            description = "Length of the adapted embedding, at most the base model's (default: ${DEFAULT-VALUE}).")
    int dimension;

    @Option(
            names = "--margin",
            defaultValue = "0.5",
            description = "Triplet loss margin, in squared distance (default: ${DEFAULT-VALUE}).")
    double margin;

    @Option(
            names = "--held-out",
            paramLabel = "FRACTION",
            defaultValue = "0.3",
            description = "Share of identities held out of training, for early stopping (default: ${DEFAULT-VALUE}).")
    double heldOut;

    @Option(
            names = "--test",
            paramLabel = "FRACTION",
            defaultValue = "0.2",
            description = "Share of identities kept for the final figures only: neither training nor early stopping"
                    + " sees them (default: ${DEFAULT-VALUE}).")
    double test;

    @Option(names = "--max-epochs", defaultValue = "40", description = "Default: ${DEFAULT-VALUE}.")
    int maxEpochs;

    @Option(
            names = "--patience",
            paramLabel = "EPOCHS",
            defaultValue = "8",
            description = "Stop after this many epochs without the best held-out TAR (default: ${DEFAULT-VALUE}).")
    int patience;

    @Option(
            names = "--learning-rate",
            defaultValue = "5e-4",
            description = "Adam's step size (default: ${DEFAULT-VALUE}).")
    double learningRate;

    @Option(
            names = "--threshold-far",
            paramLabel = "FAR",
            defaultValue = "1e-3",
            description = "False-accept rate tau is chosen at, on the held-out identities (default: ${DEFAULT-VALUE}).")
    double thresholdFar;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Path folder = labelled.folder();
        if (modelId.isBlank() || modelId.equals("faceplugin-fr-feature")) {
            throw new CliException(ExitCodes.USAGE, "--model-id must be new: matching tells models apart by id");
        }
        Adaptation.Settings defaults = Adaptation.Settings.defaults(dimension);
        Adaptation.Settings settings = new Adaptation.Settings(
                dimension,
                margin,
                heldOut,
                test,
                maxEpochs,
                patience,
                learningRate,
                defaults.identitiesPerBatch(),
                defaults.photosPerIdentity(),
                labelled.seed);
        PrintWriter err = spec.commandLine().getErr();
        Adapter.Result result;
        try {
            result = Adapter.adapt(
                    labelled.pipeline(FaceNetworks.FR_FEATURE),
                    new Adapter.Request(folder, output, modelId, settings, thresholdFar),
                    line -> {
                        err.println("likeness: " + line);
                        err.flush();
                    });
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCodes.USAGE, e.getMessage());
        }
        result.skipped().forEach(line -> err.println("likeness: left out " + line));
        err.flush();
        PrintWriter out = spec.commandLine().getOut();
        out.println(Adapter.summary(result));
        out.flush();
        return ExitCodes.OK;
    }
}
