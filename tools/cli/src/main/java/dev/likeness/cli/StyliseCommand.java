package dev.likeness.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.Callable;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import dev.likeness.core.events.Requests;
import dev.likeness.core.kafka.Topics;
import dev.likeness.events.v1.ImageSource;
import dev.likeness.events.v1.ImageStylised;
import dev.likeness.events.v1.StyleProgress;
import dev.likeness.events.v1.StyleRequested;
import dev.likeness.follower.TopicFollower;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
        name = "stylise",
        description =
                "Paint CONTENT in the style of STYLE (several are blended) with the stylising"
                        + " service, with a progress bar on stderr driven by its StyleProgress events; writes the picture to --output.")
final class StyliseCommand implements Callable<Integer> {

    private static final Duration POLL_INTERVAL = Duration.ofMillis(200);

    @Parameters(index = "0", paramLabel = "CONTENT", description = "The photo to paint.")
    Path content;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "STYLE", description = "Style picture(s).")
    List<Path> styles;

    @Option(
            names = {"-o", "--output"},
            paramLabel = "FILE",
            description = "Where to write the result (default: CONTENT-stylised.png; .jpg asks for JPEG).")
    Path output;

    @Option(names = "--size", paramLabel = "PX", description = "Longest side of the result (service default 512).")
    Integer size;

    @Option(names = "--iterations", paramLabel = "N", description = "Optimisation iterations (service default 300).")
    Integer iterations;

    @Option(names = "--content-weight", paramLabel = "ALPHA", description = "Weight of the content cost (default 1).")
    Float contentWeight;

    @Option(
            names = "--style-weight",
            paramLabel = "BETA",
            description = "Weight of the style cost (default 5, the service's).")
    Float styleWeight;

    @Option(
            names = "--smoothness-weight",
            paramLabel = "GAMMA",
            description = "Weight of the total-variation cost (default 1e-5).")
    Float smoothnessWeight;

    @Option(names = "--seed", paramLabel = "N", description = "Seed of any randomness (same seed, same picture).")
    Long seed;

    @Option(names = "--preserve-colour", description = "Keep the content's colours.")
    boolean preserveColour;

    @Option(names = "--progress-every", paramLabel = "N", description = "A progress event every N iterations.")
    Integer progressEvery;

    @Option(
            names = "--timeout",
            paramLabel = "SECONDS",
            defaultValue = "600",
            description = "How long to wait for the result (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Option(names = "--request-id", paramLabel = "ID", description = "Request id (default: a new UUID).")
    String requestId;

    @Mixin
    KafkaOptions kafkaOptions;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        ImageSource contentImage = ImageRequests.image(content);
        List<ImageSource> styleImages =
                styles.stream().map(ImageRequests::image).toList();
        String id = requestId != null ? requestId : UUID.randomUUID().toString();
        StyleRequested request = Requests.styleRequested(
                id,
                contentImage,
                styleImages,
                new Requests.StyleOptions(
                        size,
                        iterations,
                        contentWeight,
                        styleWeight,
                        smoothnessWeight,
                        seed,
                        preserveColour,
                        progressEvery));
        requireWritableFolder(output);
        if (output != null && isJpeg(output)) {
            request = request.toBuilder()
                    .setOutputFormat(StyleRequested.OutputFormat.JPEG)
                    .build();
        }
        try (KafkaSession kafka = new KafkaSession(kafkaOptions)) {
            kafka.requireTopics(List.of(Topics.STYLE_REQUESTS, Topics.STYLE_PROGRESS, Topics.STYLE_RESULTS));
            // Reading from the end starts before publishing, so no progress is missed.
            try (TopicFollower answers = kafka.reader(List.of(Topics.STYLE_PROGRESS, Topics.STYLE_RESULTS), false)) {
                kafka.send(CloudEventRecords.of(Topics.STYLE_REQUESTS, id, request));
                spec.commandLine().getErr().println("likeness: published style request " + id);
                ImageStylised result = awaitResult(answers, id);
                if (result == null) {
                    spec.commandLine()
                            .getErr()
                            .println("likeness: no result for style request " + id + " on " + Topics.STYLE_RESULTS
                                    + " within " + timeoutSeconds + " s");
                    return ExitCodes.TIMED_OUT;
                }
                return write(
                        result,
                        output != null
                                ? output
                                : defaultOutput(content, result.getImage().getContentType()));
            }
        }
    }

    /** Checked before publishing: a job of minutes must not end in a picture with nowhere to go. */
    private static void requireWritableFolder(Path output) {
        if (output == null) {
            return;
        }
        Path folder = output.toAbsolutePath().getParent();
        if (!Files.isDirectory(folder) || !Files.isWritable(folder)) {
            throw new CliException(ExitCodes.USAGE, "--output " + output + ": no writable folder " + folder);
        }
    }

    private ImageStylised awaitResult(TopicFollower answers, String id) {
        PrintWriter err = spec.commandLine().getErr();
        long deadline = System.nanoTime() + Duration.ofSeconds(timeoutSeconds).toNanos();
        while (System.nanoTime() < deadline) {
            for (ConsumerRecord<String, byte[]> record : answers.poll(POLL_INTERVAL)) {
                if (!id.equals(record.key()) || record.value() == null) {
                    continue;
                }
                if (record.topic().equals(Topics.STYLE_PROGRESS)) {
                    err.print("\r" + progressBar(CloudEventRecords.parse(StyleProgress.parser(), record)));
                    err.flush();
                } else {
                    ImageStylised result = CloudEventRecords.parse(ImageStylised.parser(), record);
                    if (!result.hasError() && !result.getCancelled() && result.getIterations() > 0) {
                        // The last progress event may arrive after the result (two topics, no order between
                        // them), so the finished bar is drawn from the result itself.
                        err.print("\r" + progressBar(finished(result)));
                    }
                    err.println();
                    return result;
                }
            }
        }
        return null;
    }

    private static StyleProgress finished(ImageStylised result) {
        return StyleProgress.newBuilder()
                .setIteration(result.getIterations())
                .setTotalIterations(result.getIterations())
                .setCost(result.getFinalCost())
                .build();
    }

    /** e.g. {@code [###############---------------]  50%  10/20  J=1.388e+02  eta 3 s} */
    static String progressBar(StyleProgress progress) {
        int total = Math.max(progress.getTotalIterations(), 1);
        int done = Math.min(progress.getIteration(), total);
        String bar = String.format(
                Locale.ROOT,
                "%s  %d/%d  J=%.3e  eta %d s",
                ProgressLine.bar(done, total),
                done,
                total,
                progress.getCost(),
                Math.round(progress.getEtaMs() / 1000.0));
        // A clip is painted frame after frame: say which (1-based, as a person counts them).
        return progress.getFrames() > 0
                ? bar + String.format(Locale.ROOT, "  frame %d/%d", progress.getFrame() + 1, progress.getFrames())
                : bar;
    }

    private int write(ImageStylised result, Path target) {
        if (result.hasError()) {
            spec.commandLine()
                    .getErr()
                    .println("likeness: the style request failed: "
                            + result.getError().getCode() + ": "
                            + result.getError().getMessage());
            return ExitCodes.ERROR_RESULT;
        }
        try {
            if (result.getImage().hasInline()) {
                Files.write(target, result.getImage().getInline().toByteArray());
            } else {
                Files.copy(
                        Path.of(URI.create(result.getImage().getUri())), target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException | IllegalArgumentException e) {
            throw new CliException(
                    ExitCodes.UNEXPECTED, "cannot write the result to " + target + ": " + e.getMessage());
        }
        spec.commandLine()
                .getOut()
                .printf(
                        Locale.ROOT,
                        "%s: %dx%d, %d iterations, J=%.4g, %.1f s%s%n",
                        target,
                        result.getWidth(),
                        result.getHeight(),
                        result.getIterations(),
                        result.getFinalCost(),
                        result.getElapsedMs() / 1000.0,
                        result.getCancelled() ? " (cancelled)" : "");
        return result.getCancelled() ? ExitCodes.ERROR_RESULT : ExitCodes.OK;
    }

    /**
     * NAME-stylised.png beside the content; a clip's result (from a GIF or an animated WebP) is a GIF and a
     * sound's a WAV, named by the type of the result that came back.
     */
    static Path defaultOutput(Path content, String resultType) {
        String name = content.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String extension =
                switch (resultType) {
                    case "image/gif" -> "gif";
                    case "audio/wav" -> "wav";
                    default -> "png";
                };
        return content.resolveSibling((dot > 0 ? name.substring(0, dot) : name) + "-stylised." + extension);
    }

    private static boolean isJpeg(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".jpg") || name.endsWith(".jpeg");
    }
}
