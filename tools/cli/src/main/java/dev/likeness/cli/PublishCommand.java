package dev.likeness.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.Future;

import org.apache.kafka.clients.producer.RecordMetadata;

import dev.likeness.core.kafka.Topics;
import dev.likeness.events.v1.ImageSubmitted;
import dev.likeness.events.v1.Purpose;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
        name = "publish",
        description = "Send photos as ImageSubmitted to " + Topics.IMAGES + " (or the tenant's own, --tenant-topics)"
                + " and print one request id per line, in the order of the photos, once the broker has it; does not"
                + " wait for results. A photo that cannot be read or sent is reported on stderr and the others go on"
                + " (exit 1).")
final class PublishCommand implements Callable<Integer> {

    enum PurposeKind {
        detect,
        identify,
        enrol,
        verify
    }

    /** A photo handed to the producer, not yet acknowledged. */
    private record Pending(Path file, String requestId, Future<RecordMetadata> sent) {}

    @Parameters(arity = "1..*", paramLabel = "FILE|FOLDER", description = "Photos, or folders of photos.")
    List<Path> filesOrFolders;

    @Option(
            names = "--purpose",
            defaultValue = "identify",
            description = "One of ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    PurposeKind purpose;

    @Option(names = "--identity", paramLabel = "ID", description = "Identity to enrol or verify against.")
    String identityId;

    @Option(names = "--name", description = "Display name of the enrolled identity.")
    String displayName;

    @Option(
            names = "--request-id",
            paramLabel = "ID",
            description = "Request id (one photo only; default: a new UUID).")
    String requestId;

    @Mixin
    KafkaOptions kafkaOptions;

    @Mixin
    TenantOption tenant;

    @Mixin
    TenantTopicsOption topics;

    @Spec
    CommandSpec spec;

    private int failed;

    @Override
    public Integer call() {
        Purpose requestPurpose = purpose();
        tenant.named(); // a malformed --tenant is a usage error once, not a failure of every photo
        List<Path> files = ImageRequests.photoFiles(filesOrFolders);
        if (requestId != null && files.size() > 1) {
            throw new CliException(ExitCodes.USAGE, "--request-id needs exactly one photo, not " + files.size());
        }
        if (files.size() == 1) {
            ImageRequests.requireReadableFile(files.get(0)); // one photo: a usage error before Kafka is asked
        }
        PrintWriter out = spec.commandLine().getOut();
        ProgressLine progress = ProgressLine.onTerminal(spec.commandLine().getErr(), "published", files.size());
        // Sends are pipelined: the producer batches photos into few requests, and acknowledgements are collected
        // in order behind the sends (one round trip per photo capped the command at about 100 photos/s).
        Deque<Pending> inFlight = new ArrayDeque<>();
        String imagesTopic = topics.images(tenant);
        try (KafkaSession kafka = new KafkaSession(kafkaOptions)) {
            kafka.requireTopics(List.of(imagesTopic));
            for (Path file : files) {
                String id = requestId != null ? requestId : UUID.randomUUID().toString();
                ImageSubmitted request;
                try {
                    request = tenant.applyTo(ImageRequests.request(id, file, requestPurpose));
                } catch (CliException unreadable) {
                    if (files.size() == 1) {
                        throw unreadable; // one photo: exit with its own code, as every other command does
                    }
                    reportFailure(file, unreadable.getMessage());
                    progress.advance();
                    continue;
                }
                inFlight.add(new Pending(file, id, kafka.sendAsync(CloudEventRecords.of(imagesTopic, id, request))));
                acknowledge(kafka, imagesTopic, inFlight, out, progress, false);
            }
            acknowledge(kafka, imagesTopic, inFlight, out, progress, true);
        } finally {
            progress.finish();
        }
        return failed == 0 ? ExitCodes.OK : ExitCodes.ERROR_RESULT;
    }

    /** Prints the ids of the acknowledged photos at the head of the queue; with {@code all}, waits for every one. */
    private void acknowledge(
            KafkaSession kafka,
            String topic,
            Deque<Pending> inFlight,
            PrintWriter out,
            ProgressLine progress,
            boolean all) {
        while (!inFlight.isEmpty() && (all || inFlight.peek().sent().isDone())) {
            Pending head = inFlight.poll();
            kafka.awaitSent(topic, head.sent())
                    .ifPresentOrElse(reason -> reportFailure(head.file(), reason), () -> out.println(head.requestId()));
            progress.advance();
        }
        out.flush();
    }

    private void reportFailure(Path file, String reason) {
        failed++;
        spec.commandLine().getErr().println(file + ": " + reason);
    }

    private Purpose purpose() {
        if ((purpose == PurposeKind.enrol || purpose == PurposeKind.verify) && identityId == null) {
            throw new CliException(ExitCodes.USAGE, "--purpose " + purpose + " needs --identity");
        }
        return switch (purpose) {
            case detect -> Purposes.detectOnly();
            case identify -> Purposes.identify();
            case enrol -> Purposes.enrol(identityId, displayName, null);
            case verify -> Purposes.verify(identityId);
        };
    }
}
