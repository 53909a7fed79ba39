package dev.likeness.matching.tools;

import java.awt.image.BufferedImage;
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

import dev.likeness.core.image.ImageRejectedException;
import dev.likeness.core.onnx.ModelsDirectory;
import dev.likeness.face.AnalysedFace;
import dev.likeness.face.Analysis;
import dev.likeness.face.FaceAnalysis;
import dev.likeness.face.FaceAttribute;
import dev.likeness.face.FacePipeline;
import dev.likeness.face.FacePipelineConfig;
import dev.likeness.testing.Mirror;
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
            for (AnalysedFace face : analyse(pipeline, bytes).faces()) {
                liveFaces++;
                collect(face, live);
            }
            for (int seed = 1; seed <= RECAPTURE_SEEDS; seed++) {
                for (AnalysedFace face :
                        analyse(pipeline, Recapture.of(photo, seed)).faces()) {
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

    /** One photo's subject and its mirror image's subject, each with every analysis. */
    private record Judged(String person, AnalysedFace face, AnalysedFace mirrored) {}

    /**
     * The people of DevTest's same-person pairs, each photo's subject analysed as it is and mirrored: how often a
     * person's photos get the person's majority gender, whether their age groups stay within one group, and how often
     * a mirrored photo gets the photo's answers.
     */
    static void consistency(FacePipeline pipeline, Path lfw, StringBuilder report) throws Exception {
        Map<String, Set<Integer>> photos = new TreeMap<>();
        List<String> lines = Files.readAllLines(lfw.resolve("pairsDevTest.txt"));
        for (String line : lines.subList(1, lines.size())) {
            String[] fields = line.trim().split("\\s+");
            if (fields.length == 3) {
                Set<Integer> indices = photos.computeIfAbsent(fields[0], name -> new java.util.TreeSet<>());
                indices.add(Integer.parseInt(fields[1]));
                indices.add(Integer.parseInt(fields[2]));
            }
        }
        List<Judged> judged = new ArrayList<>();
        int missed = 0;
        for (Map.Entry<String, Set<Integer>> person : photos.entrySet()) {
            for (int index : person.getValue()) {
                String name = person.getKey();
                Path file = lfw.resolve(String.format(Locale.ROOT, "images/%s/%s_%04d.jpg", name, name, index));
                byte[] bytes = Files.readAllBytes(file);
                var face = analyse(pipeline, bytes).subject();
                var mirrored = analyse(
                                pipeline,
                                Mirror.png(pipeline.decoder().decode(bytes).image()))
                        .subject();
                if (face.isPresent() && mirrored.isPresent()) {
                    judged.add(new Judged(name, face.get(), mirrored.get()));
                } else {
                    missed++;
                }
            }
        }
        Map<String, List<Judged>> byPerson = new TreeMap<>();
        judged.forEach(j ->
                byPerson.computeIfAbsent(j.person(), p -> new ArrayList<>()).add(j));
        byPerson.values().removeIf(list -> list.size() < 2);
        int people = byPerson.size();
        int photosOfPeople = byPerson.values().stream().mapToInt(List::size).sum();

        report.append(String.format(
                Locale.ROOT,
                "%n### Consistency on LFW view 1 (DevTest)%n%n"
                        + "The %d people of DevTest's same-person pairs with at least two photos whose subject was found"
                        + " (%d photos; %d photos without a subject left out), each photo analysed as it is and"
                        + " mirrored. LFW has no age, gender or emotion labels: these are consistency figures, not"
                        + " accuracy.%n%n"
                        + "| figure | gear | gender (mini-Xception) |%n|---|---|---|%n",
                people,
                photosOfPeople,
                missed));
        report.append(String.format(
                Locale.ROOT,
                "| photos with their person's majority gender | %s | %s |%n",
                percent(majorityAgreement(byPerson, Analysis.GEAR, "gender"), photosOfPeople),
                percent(majorityAgreement(byPerson, Analysis.GENDER, "gender"), photosOfPeople)));
        report.append(String.format(
                Locale.ROOT,
                "| people whose every photo gets the same gender | %s | %s |%n",
                percent(unanimous(byPerson, Analysis.GEAR, "gender"), people),
                percent(unanimous(byPerson, Analysis.GENDER, "gender"), people)));

        int withinOneGroup = 0;
        double ageRange = 0;
        for (List<Judged> list : byPerson.values()) {
            int low = Integer.MAX_VALUE, high = Integer.MIN_VALUE;
            double young = Double.MAX_VALUE, old = -Double.MAX_VALUE;
            for (Judged j : list) {
                FaceAttribute group = result(j.face(), Analysis.GEAR, "age");
                int index = group.classes().indexOf(group.label());
                low = Math.min(low, index);
                high = Math.max(high, index);
                float years = result(j.face(), Analysis.AGE, "age").value();
                young = Math.min(young, years);
                old = Math.max(old, years);
            }
            withinOneGroup += high - low <= 1 ? 1 : 0;
            ageRange += old - young;
        }
        report.append(String.format(
                Locale.ROOT,
                "%n- gear's age groups (0-20, 21-25, 26-30, 31-40, 41-50, 51-60, 60+): %s of the people have all their"
                        + " photos within one group of each other (adjacent groups at most).%n"
                        + "- SSR-Net's age: the oldest and youngest estimate of a person's photos lie %.1f years apart on"
                        + " average (the photos of one person in LFW span a few years at most).%n",
                percent(withinOneGroup, people),
                ageRange / people));

        report.append(String.format(
                Locale.ROOT,
                "%nThe mirrored photo gets the same answer (%d photos):%n%n| analysis | attribute | same label |"
                        + " mean abs difference of the value |%n|---|---|---|---|%n",
                judged.size()));
        for (Analysis analysis : Analysis.values()) {
            for (FaceAttribute attribute : judged.get(0).face().attributes()) {
                if (!attribute.analysis().equals(analysis.id())) {
                    continue;
                }
                int same = 0;
                double difference = 0;
                for (Judged j : judged) {
                    FaceAttribute original = result(j.face(), analysis, attribute.attribute());
                    FaceAttribute mirrored = result(j.mirrored(), analysis, attribute.attribute());
                    same += original.label().equals(mirrored.label()) ? 1 : 0;
                    difference += Float.isNaN(original.value()) ? 0 : Math.abs(original.value() - mirrored.value());
                }
                report.append(String.format(
                        Locale.ROOT,
                        "| %s | %s | %s | %s |%n",
                        analysis.id(),
                        attribute.attribute(),
                        attribute.label().isEmpty() ? "-" : percent(same, judged.size()),
                        Float.isNaN(attribute.value())
                                ? "-"
                                : String.format(Locale.ROOT, "%.1f years", difference / judged.size())));
            }
        }
    }

    private static FaceAttribute result(AnalysedFace face, Analysis analysis, String attribute) {
        return face.attributes().stream()
                .filter(a -> a.analysis().equals(analysis.id()) && a.attribute().equals(attribute))
                .findFirst()
                .orElseThrow();
    }

    private static Map<String, Long> labels(List<Judged> photos, Analysis analysis, String attribute) {
        Map<String, Long> counts = new TreeMap<>();
        photos.forEach(j -> counts.merge(result(j.face(), analysis, attribute).label(), 1L, Long::sum));
        return counts;
    }

    private static int majorityAgreement(Map<String, List<Judged>> byPerson, Analysis analysis, String attribute) {
        return byPerson.values().stream()
                .mapToInt(list -> (int) labels(list, analysis, attribute).values().stream()
                        .mapToLong(Long::longValue)
                        .max()
                        .orElse(0))
                .sum();
    }

    private static int unanimous(Map<String, List<Judged>> byPerson, Analysis analysis, String attribute) {
        return (int) byPerson.values().stream()
                .filter(list -> labels(list, analysis, attribute).size() == 1)
                .count();
    }

    private static String percent(int part, int whole) {
        return String.format(Locale.ROOT, "%.1f %% (%d / %d)", 100.0 * part / whole, part, whole);
    }
}
