package dev.likeness.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import dev.likeness.core.kafka.Topics;
import dev.likeness.events.v1.Face;
import dev.likeness.events.v1.FaceAttribute;
import dev.likeness.events.v1.FacesEmbedded;
import dev.likeness.events.v1.ImageSubmitted;
import dev.likeness.face.Analysis;
import dev.likeness.follower.TopicFollower;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * Publishes each photo as a detect-only request asking for face analyses and prints, from its FacesEmbedded, one line
 * per face: the box and each attribute with the analysis that judged it (docs/analysis.md).
 */
@Command(
        name = "analyse",
        description = "Print the age, gender, race, emotion and liveness the analysis networks see in each face"
                + " of each PHOTO (descriptions, never used for matching: docs/analysis.md).")
final class AnalyseCommand implements Callable<Integer> {

    private static final Duration POLL_INTERVAL = Duration.ofMillis(200);

    @Parameters(arity = "1..*", paramLabel = "PHOTO", description = "Photos.")
    List<Path> photos;

    @Option(
            names = "--analyses",
            split = ",",
            paramLabel = "NAME",
            defaultValue = "gear,age,gender,emotion,antispoof,liveness",
            description = "Analyses to ask for (default: ${DEFAULT-VALUE}).")
    List<String> analyses;

    @Option(
            names = "--timeout",
            paramLabel = "SECONDS",
            defaultValue = "60",
            description = "How long to wait for all results (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Option(names = "--json", description = "Print each FacesEmbedded as JSON instead of one line per face.")
    boolean json;

    @Mixin
    KafkaOptions kafkaOptions;

    @Mixin
    TenantOption tenant;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        for (String name : analyses) {
            try {
                Analysis.named(name);
            } catch (IllegalArgumentException e) {
                throw new CliException(ExitCodes.USAGE, e.getMessage());
            }
        }
        Map<String, Path> requests = new LinkedHashMap<>();
        photos.forEach(photo -> requests.put(UUID.randomUUID().toString(), ImageRequests.requireReadableFile(photo)));
        Map<String, FacesEmbedded> results = new LinkedHashMap<>();
        try (KafkaSession kafka = new KafkaSession(kafkaOptions)) {
            kafka.requireTopics(List.of(Topics.IMAGES, Topics.FACES));
            try (TopicFollower faces = kafka.reader(List.of(Topics.FACES), false)) {
                for (Map.Entry<String, Path> request : requests.entrySet()) {
                    ImageSubmitted event = tenant.applyTo(
                            ImageRequests.request(request.getKey(), request.getValue(), Purposes.detectOnly())
                                    .toBuilder()
                                    .setOptions(
                                            ImageSubmitted.Options.newBuilder().addAllAnalyses(analyses))
                                    .build());
                    kafka.send(CloudEventRecords.of(Topics.IMAGES, request.getKey(), event));
                }
                long deadline =
                        System.nanoTime() + Duration.ofSeconds(timeoutSeconds).toNanos();
                while (results.size() < requests.size() && System.nanoTime() < deadline) {
                    for (ConsumerRecord<String, byte[]> record : faces.poll(POLL_INTERVAL)) {
                        if (requests.containsKey(record.key()) && record.value() != null) {
                            results.put(record.key(), CloudEventRecords.parse(FacesEmbedded.parser(), record));
                        }
                    }
                }
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        for (Map.Entry<String, Path> request : requests.entrySet()) {
            FacesEmbedded result = results.get(request.getKey());
            if (result == null) {
                continue;
            }
            if (json) {
                out.println(EventJson.pretty(result));
                continue;
            }
            out.println(request.getValue() + ": " + result.getFacesCount() + " face(s)");
            for (int f = 0; f < result.getFacesCount(); f++) {
                out.println("  " + describe(f, result.getFaces(f)));
            }
        }
        if (results.size() < requests.size()) {
            spec.commandLine()
                    .getErr()
                    .println("likeness: no result for " + (requests.size() - results.size()) + " photo(s) on "
                            + Topics.FACES + " within " + timeoutSeconds + " s (an unreadable photo or an analysis"
                            + " the embedding service has not enabled is dead-lettered: see likeness dlq)");
            return ExitCodes.TIMED_OUT;
        }
        return ExitCodes.OK;
    }

    /** One face: its index and box, then each attribute as label (probability) or value, with its analysis. */
    static String describe(int index, Face face) {
        StringBuilder line = new StringBuilder(String.format(
                Locale.ROOT,
                "face %d [%.0f,%.0f %.0fx%.0f]",
                index,
                face.getBox().getX1(),
                face.getBox().getY1(),
                face.getBox().getX2() - face.getBox().getX1(),
                face.getBox().getY2() - face.getBox().getY1()));
        for (FaceAttribute attribute : face.getAttributesList()) {
            line.append("  ").append(attribute.getAttribute()).append(' ');
            if (!attribute.getLabel().isEmpty()) {
                line.append(String.format(Locale.ROOT, "%s %.2f", attribute.getLabel(), attribute.getScore()));
            }
            if (attribute.hasValue()) {
                line.append(String.format(
                        Locale.ROOT, "%s%.1f", attribute.getLabel().isEmpty() ? "" : " ~", attribute.getValue()));
            }
            line.append(" (").append(attribute.getAnalysis()).append(')');
        }
        return line.toString();
    }
}
