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

import dev.likeness.core.image.ImageRejectedException;
import dev.likeness.events.v1.ExplainJob;
import dev.likeness.events.v1.InsightRequested;
import dev.likeness.face.EmbeddingSpec;
import dev.likeness.face.FaceNetworks;
import dev.likeness.face.FacePipeline;
import dev.likeness.face.FacePipelineConfig;
import dev.likeness.insight.AlignedFaces;
import dev.likeness.insight.FusionSaliency;
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
                    + FaceNetworks.FR_FEATURE + " (shown over each aligned face).")
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
        EmbeddingSpec embeddingSpec = embedding(models);
        Path work = InsightOptions.workFolder();
        Path picture = output.resolve("saliency.png");
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("a", photoA.toString());
        json.put("b", photoB.toString());
        json.put("embedding", embeddingSpec.id());
        float distance;
        try (FacePipeline pipeline = FacePipeline.open(FacePipelineConfig.defaults(models))) {
            distance = embeddingSpec.fused()
                    ? explainFusion(pipeline, embeddingSpec, work, picture, json)
                    : explainNetwork(pipeline, embeddingSpec.networks().get(0), work, picture);
        } catch (IllegalArgumentException e) {
            // Includes the generator's UnsupportedOperatorException: an operator it cannot differentiate.
            throw new CliException(ExitCodes.USAGE, embedding + " cannot be explained: " + e.getMessage());
        } finally {
            InsightOptions.delete(work);
        }
        json.put("distance", distance);
        json.put("saliency", "saliency.png");
        Files.writeString(output.resolve("explain.json"), EventJson.PRETTY.writeValueAsString(json));
        PrintWriter out = spec.commandLine().getOut();
        out.printf(
                Locale.ROOT,
                "%s: d = %.4f between the first faces of %s and %s%nsaliency: %s%n",
                embeddingSpec.id(),
                distance,
                photoA.getFileName(),
                photoB.getFileName(),
                picture);
        out.flush();
        return ExitCodes.OK;
    }

    /** One network: the saliency over each aligned face; returns d. */
    private float explainNetwork(FacePipeline pipeline, EmbeddingSpec.Network network, Path work, Path picture)
            throws IOException {
        try (MatchSaliency saliency = MatchSaliency.of(network, work)) {
            InsightImage a = firstFace(pipeline, photoA, network), b = firstFace(pipeline, photoB, network);
            MatchSaliency.Explanation explanation = saliency.explain(a, b);
            MatchSaliency.write(explanation, a, b, picture);
            return explanation.distance();
        }
    }

    /** The fusion: the saliency over each photo's face region, and each network's weight and d; returns d. */
    private float explainFusion(
            FacePipeline pipeline, EmbeddingSpec fusion, Path work, Path picture, Map<String, Object> json)
            throws IOException {
        FusionSaliency.Face a = firstFace(pipeline, fusion, photoA), b = firstFace(pipeline, fusion, photoB);
        try (FusionSaliency saliency = FusionSaliency.of(fusion, work)) {
            FusionSaliency.Explanation explanation = saliency.explain(a, b);
            FusionSaliency.write(explanation, a, b, picture);
            Map<String, Object> networks = new LinkedHashMap<>();
            for (int m = 0; m < fusion.networks().size(); m++) {
                EmbeddingSpec.Network network = fusion.networks().get(m);
                networks.put(
                        network.model().id(),
                        Map.of(
                                "weight",
                                network.weight(),
                                "distance",
                                explanation.networkDistances()[m]));
            }
            json.put("networks", networks);
            return explanation.distance();
        }
    }

    private EmbeddingSpec embedding(Path models) {
        try {
            return FaceNetworks.embedding(embedding, models);
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCodes.USAGE, e.getMessage());
        }
    }

    private static FusionSaliency.Face firstFace(FacePipeline pipeline, EmbeddingSpec fusion, Path photo)
            throws IOException {
        readable(photo);
        List<FusionSaliency.Face> faces;
        try {
            faces = FusionSaliency.faces(
                    pipeline,
                    fusion,
                    Files.readAllBytes(photo),
                    photo.getFileName().toString());
        } catch (ImageRejectedException e) {
            throw new CliException(ExitCodes.USAGE, "cannot read " + photo + ": " + e.getMessage());
        }
        if (faces.isEmpty()) {
            throw new CliException(ExitCodes.USAGE, "no face found in " + photo);
        }
        return faces.get(0);
    }

    private static void readable(Path photo) {
        if (!Files.isRegularFile(photo)) {
            throw new CliException(ExitCodes.USAGE, photo + " is not a file");
        }
    }

    private static InsightImage firstFace(FacePipeline pipeline, Path photo, EmbeddingSpec.Network network)
            throws IOException {
        readable(photo);
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
