package dev.likeness.matching.tools;

import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import javax.imageio.ImageIO;

import dev.likeness.core.image.ImageRejectedException;
import dev.likeness.core.onnx.ModelsDirectory;
import dev.likeness.face.AnalysedFace;
import dev.likeness.face.Analysis;
import dev.likeness.face.FaceAnalysis;
import dev.likeness.face.FaceAttribute;
import dev.likeness.face.FacePipeline;
import dev.likeness.face.FacePipelineConfig;
import dev.likeness.testing.Recapture;

/**
 * The figures of docs/analysis.md, written into it between its generated-section markers: the liveness networks on
 * the sample photos' faces (live) and on re-captures of those photos ({@link Recapture}), error rates at several
 * thresholds; and, with {@code --lfw DIR}, the attribute networks' consistency on LFW view 1's DevTest people (the
 * same gender in every photo of a person, age groups within one group, mirrored photos' answers). Not part of the
 * test suite (LFW never is); the command is in docs/analysis.md.
 */
public final class AnalysisReport {

    static final String BEGIN = "<!-- analysis-report:begin (written by AnalysisReport; do not edit by hand) -->";
    static final String END = "<!-- analysis-report:end -->";
    private static final Set<Analysis> ALL = EnumSet.allOf(Analysis.class);
    private static final int RECAPTURE_SEEDS = 3;
    private static final double[] THRESHOLDS = {0.3, 0.5, 0.7, 0.9};

    private AnalysisReport() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i], args[i + 1]);
        }
        Path models = ModelsDirectory.locate();
        Path doc = Path.of(options.getOrDefault("--doc", "docs/analysis.md"));
        StringBuilder report = new StringBuilder();
        try (FacePipeline pipeline =
                FacePipeline.open(FacePipelineConfig.defaults(models).withAnalyses(models, ALL))) {
            liveness(pipeline, models, report);
            if (options.containsKey("--lfw")) {
                consistency(pipeline, Path.of(options.get("--lfw")), report);
            }
        }
        System.out.print(report);
        if (Files.exists(doc)) {
            String text = Files.readString(doc, StandardCharsets.UTF_8);
            int begin = text.indexOf(BEGIN), end = text.indexOf(END);
            if (begin < 0 || end < begin) {
                throw new IllegalStateException(doc + " has no " + BEGIN + " ... " + END + " section");
            }
            Files.writeString(
                    doc,
                    text.substring(0, begin + BEGIN.length()) + "\n" + report + text.substring(end),
                    StandardCharsets.UTF_8);
            System.out.println("written into " + doc);
        }
    }

    /** Live scores of every face of the six samples, then of the faces of their re-captures. */
    static void liveness(FacePipeline pipeline, Path models, StringBuilder report) throws Exception {
        Map<Analysis, List<Float>> live = new TreeMap<>(), spoof = new TreeMap<>();
        int liveFaces = 0, spoofFaces = 0;
        for (int s = 1; s <= 6; s++) {
            byte[] bytes = Files.readAllBytes(models.resolve("samples/sample" + s + ".jpg"));
            BufferedImage photo = pipeline.decoder().decode(bytes).image();
            FaceAnalysis original = analyse(pipeline, bytes);
            for (AnalysedFace face : original.faces()) {
                liveFaces++;
                collect(face, live);
            }
            System.err.println("sample" + s + " subject "
                    + original.subject()
                            .map(f -> f.attributes("liveness").toString())
                            .orElse(""));
            for (int seed = 1; seed <= RECAPTURE_SEEDS; seed++) {
                FaceAnalysis re = analyse(pipeline, Recapture.of(photo, seed));
                System.err.println("  recapture " + seed + " subject "
                        + re.subject()
                                .map(f -> f.attributes("liveness").stream()
                                        .map(a -> a.analysis() + "=" + a.probability("live"))
                                        .toList()
                                        .toString())
                                .orElse(""));
                for (AnalysedFace face : re.faces()) {
                    spoofFaces++;
                    collect(face, spoof);
                }
            }
        }
        report.append(String.format(
                Locale.ROOT,
                "%n### Liveness on the sample photos and their re-captures%n%n"
                        + "%d faces of the six sample photos (live) and %d faces of their re-captures (%d seeds each;"
                        + " spoofs). A face is judged live when the network's probability of `live` is at least the"
                        + " threshold. BPCER: live faces refused; APCER: spoofs accepted (ISO/IEC 30107-3's terms).%n%n"
                        + "| network | threshold | BPCER (live refused) | APCER (spoof accepted) | mean p(live), live | mean p(live), re-captures |%n"
                        + "|---|---|---|---|---|---|%n",
                liveFaces,
                spoofFaces,
                RECAPTURE_SEEDS));
        for (Analysis analysis : List.of(Analysis.LIVENESS, Analysis.ANTISPOOF)) {
            for (double threshold : THRESHOLDS) {
                report.append(String.format(
                        Locale.ROOT,
                        "| %s | %.1f | %d / %d (%.0f %%) | %d / %d (%.0f %%) | %.2f | %.2f |%n",
                        analysis.modelId(),
                        threshold,
                        below(live.get(analysis), threshold),
                        live.get(analysis).size(),
                        100.0
                                * below(live.get(analysis), threshold)
                                / live.get(analysis).size(),
                        spoof.get(analysis).size() - below(spoof.get(analysis), threshold),
                        spoof.get(analysis).size(),
                        100.0
                                * (spoof.get(analysis).size() - below(spoof.get(analysis), threshold))
                                / spoof.get(analysis).size(),
                        mean(live.get(analysis)),
                        mean(spoof.get(analysis))));
            }
        }
    }

    private static void collect(AnalysedFace face, Map<Analysis, List<Float>> scores) {
        for (FaceAttribute attribute : face.attributes("liveness")) {
            scores.computeIfAbsent(Analysis.named(attribute.analysis()), a -> new ArrayList<>())
                    .add(attribute.probability("live"));
        }
    }

    private static int below(List<Float> scores, double threshold) {
        return (int) scores.stream().filter(score -> score < threshold).count();
    }

    private static double mean(List<Float> values) {
        return values.stream().mapToDouble(Float::doubleValue).average().orElse(Double.NaN);
    }

    static FaceAnalysis analyse(FacePipeline pipeline, byte[] bytes) throws ImageRejectedException {
        return pipeline.analyseAll(List.of(pipeline.prepare(bytes, 0, 0, ALL))).get(0);
    }

    /** Placeholder until the LFW part is written. */
    static void consistency(FacePipeline pipeline, Path lfw, StringBuilder report) {}

    static byte[] mirror(BufferedImage photo) throws IOException {
        int width = photo.getWidth(), height = photo.getHeight();
        BufferedImage mirrored = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D graphics = mirrored.createGraphics();
        graphics.drawImage(photo, width, 0, -width, height, null);
        graphics.dispose();
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(mirrored, "png", png);
        return png.toByteArray();
    }
}
