package dev.likeness.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import dev.likeness.events.v1.ExplainJob;
import dev.likeness.events.v1.InsightRequested;
import dev.likeness.face.EmbeddingSpec;
import dev.likeness.face.FaceNetworks;
import dev.likeness.face.FacePipeline;
import dev.likeness.face.FacePipelineConfig;
import dev.likeness.insight.AlignedFaces;
import dev.likeness.insight.InsightImage;
import dev.likeness.insight.MatchSaliency;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
        name = "explain",
        description = "Why two faces match: the squared distance d of their L2-normalised embeddings and, as saliency"
                + " maps over each aligned face, the size of d's gradient per pixel (saliency.png: face A, its map,"
                + " face B, its map; explain.json). The first face the pipeline finds in each photo. Needs no Kafka;"
                + " --mesh asks the embedding service instead.")
final class ExplainCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "A", description = "The first photo.")
    Path photoA;

    @Parameters(index = "1", paramLabel = "B", description = "The second photo.")
    Path photoB;

    @Option(
            names = "--embedding",
            paramLabel = "MODEL_ID",
            defaultValue = FaceNetworks.DLIB,
            description = "The recognition network (default: ${DEFAULT-VALUE}, the fusion's main part; "
                    + FaceNetworks.FR_FEATURE
                    + " has PReLUs, which the gradient generator does not differentiate yet).")
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
            ExplainJob job = ExplainJob.newBuilder()
                    .setA(ImageRequests.image(photoA))
                    .setB(ImageRequests.image(photoB))
                    .setEmbedding(embedding)
                    .build();
            return mesh.request(InsightRequested.newBuilder().setExplain(job), spec, "--out", "--models");
        }
        Path models = insight.models("face/batch/fr_feature.onnx");
        EmbeddingSpec.Network network = network(models);
        Path work = InsightOptions.workFolder();
        try (FacePipeline pipeline = FacePipeline.open(FacePipelineConfig.defaults(models));
                MatchSaliency saliency = MatchSaliency.of(network, work)) {
            InsightImage a = firstFace(pipeline, photoA, network), b = firstFace(pipeline, photoB, network);
            MatchSaliency.Explanation explanation = saliency.explain(a, b);
            MatchSaliency.write(explanation, a, b, output.resolve("saliency.png"));
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("a", photoA.toString());
            json.put("b", photoB.toString());
            json.put("embedding", network.model().id());
            json.put("distance", explanation.distance());
            json.put("saliency", "saliency.png");
            Files.writeString(output.resolve("explain.json"), EventJson.PRETTY.writeValueAsString(json));
            PrintWriter out = spec.commandLine().getOut();
            out.printf(
                    Locale.ROOT,
                    "%s: d = %.4f between the first faces of %s and %s%nsaliency: %s%n",
                    network.model().id(),
                    explanation.distance(),
                    photoA.getFileName(),
                    photoB.getFileName(),
                    output.resolve("saliency.png"));
            out.flush();
        } catch (IllegalArgumentException e) {
            // Includes the generator's UnsupportedOperatorException: an operator it cannot differentiate.
            throw new CliException(ExitCodes.USAGE, embedding + " cannot be explained: " + e.getMessage());
        } finally {
            InsightOptions.delete(work);
        }
        return ExitCodes.OK;
    }

    private EmbeddingSpec.Network network(Path models) {
        try {
            List<EmbeddingSpec.Network> networks =
                    FaceNetworks.embedding(embedding, models).networks();
            if (networks.size() != 1) {
                throw new CliException(
                        ExitCodes.USAGE,
                        "explain takes one network: " + FaceNetworks.DLIB + " or " + FaceNetworks.FR_FEATURE);
            }
            return networks.get(0);
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCodes.USAGE, e.getMessage());
        }
    }

    private static InsightImage firstFace(FacePipeline pipeline, Path photo, EmbeddingSpec.Network network)
            throws IOException {
        if (!Files.isRegularFile(photo)) {
            throw new CliException(ExitCodes.USAGE, photo + " is not a file");
        }
        List<InsightImage> faces;
        try {
            faces = AlignedFaces.of(pipeline, photo, network);
        } catch (IOException e) {
            throw new CliException(ExitCodes.USAGE, "cannot read " + e.getMessage());
        }
        if (faces.isEmpty()) {
            throw new CliException(ExitCodes.USAGE, "no face found in " + photo);
        }
        return faces.get(0);
    }
}
