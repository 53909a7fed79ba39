package dev.likeness.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import dev.likeness.events.v1.ExplainJob;
import dev.likeness.events.v1.InsightRequested;
import dev.likeness.face.EmbeddingSpec;
import dev.likeness.face.FaceNetworks;
import dev.likeness.face.FacePipeline;
import dev.likeness.face.FacePipelineConfig;
import dev.likeness.insight.Explanations;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
        name = "explain",
        description = "Why two faces match: the squared distance d of their L2-normalised embeddings and, as saliency"
                + " maps, the size of d's gradient per pixel (saliency.png: face A, its map, face B, its map; over each"
                + " photo's face region for the fusion, over each aligned face for one network; explain.json). The first"
                + " face the pipeline finds in each photo. Needs no Kafka;"
                + " --mesh asks the embedding service instead.")
final class ExplainCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "A", description = "The first photo.")
    Path photoA;

    @Parameters(index = "1", paramLabel = "B", description = "The second photo.")
    Path photoB;

    @Option(
            names = "--embedding",
            paramLabel = "MODEL_ID",
            defaultValue = FaceNetworks.DEFAULT,
            description = "The embedding (default: ${DEFAULT-VALUE}, the fusion the embedding service emits, shown over"
                    + " each photo's face region), or one recognition network, " + FaceNetworks.DLIB + " or "
                    + FaceNetworks.FR_FEATURE + " (shown over each aligned face). With --mesh, only where given:"
                    + " else the service explains its own model (likeness.embedding.model, the fusion by default).")
    String embedding;

    @Option(
            names = "--out",
            paramLabel = "DIR",
            defaultValue = "likeness-explain",
            description = "Where saliency.png and explain.json go (default: ${DEFAULT-VALUE}).")
    Path output;

    @Mixin
    InsightOptions insight;

    @Mixin
    InsightMeshOptions mesh;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (mesh.mesh) {
            ExplainJob.Builder job =
                    ExplainJob.newBuilder().setA(ImageRequests.image(photoA)).setB(ImageRequests.image(photoB));
            // Not given: the service explains its own model (the fusion, unless configured otherwise).
            if (spec.commandLine().getParseResult().hasMatchedOption("--embedding")) {
                job.setEmbedding(embedding);
            }
            return mesh.request(InsightRequested.newBuilder().setExplain(job), spec, "--out", "--models");
        }
        Path models = insight.models("face/batch/fr_feature.onnx");
        EmbeddingSpec embeddingSpec = embedding(models);
        byte[] a = bytes(photoA), b = bytes(photoB);
        Path work = InsightOptions.workFolder();
        Path picture = output.resolve("saliency.png");
        Explanations.Explained explained;
        try (FacePipeline pipeline = FacePipeline.open(FacePipelineConfig.defaults(models))) {
            explained = Explanations.explain(pipeline, embeddingSpec, a, b, work, picture);
        } catch (Explanations.UnusablePhotoException e) {
            Path photo = e.photo().equals("a") ? photoA : photoB;
            throw new CliException(
                    ExitCodes.USAGE,
                    e.rejection() != null
                            ? "cannot read " + photo + ": " + e.getMessage()
                            : "no face found in " + photo);
        } catch (IllegalArgumentException e) {
            // Includes the generator's UnsupportedOperatorException: an operator it cannot differentiate.
            throw new CliException(ExitCodes.USAGE, embedding + " cannot be explained: " + e.getMessage());
        } finally {
            InsightOptions.delete(work);
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("a", photoA.toString());
        json.put("b", photoB.toString());
        json.put("embedding", embeddingSpec.id());
        if (embeddingSpec.fused()) {
            Map<String, Object> networks = new LinkedHashMap<>();
            for (Explanations.NetworkDistance network : explained.networks()) {
                networks.put(network.id(), Map.of("weight", network.weight(), "distance", network.distance()));
            }
            json.put("networks", networks);
        }
        json.put("distance", explained.distance());
        json.put("saliency", "saliency.png");
        Files.writeString(output.resolve("explain.json"), EventJson.PRETTY.writeValueAsString(json));
        PrintWriter out = spec.commandLine().getOut();
        out.printf(
                Locale.ROOT,
                "%s: d = %.4f between the first faces of %s and %s%nsaliency: %s%n",
                embeddingSpec.id(),
                explained.distance(),
                photoA.getFileName(),
                photoB.getFileName(),
                picture);
        out.flush();
        return ExitCodes.OK;
    }

    private EmbeddingSpec embedding(Path models) {
        try {
            return FaceNetworks.embedding(embedding, models);
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCodes.USAGE, e.getMessage());
        }
    }

    private static byte[] bytes(Path photo) throws IOException {
        if (!Files.isRegularFile(photo)) {
            throw new CliException(ExitCodes.USAGE, photo + " is not a file");
        }
        return Files.readAllBytes(photo);
    }
}
