package dev.likeness.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;

import dev.likeness.events.v1.Purpose;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
        name = "publish",
        description = "Send photos as ImageSubmitted to " + Topics.IMAGES
                + " and print one request id per line; does not wait for results.")
final class PublishCommand implements Callable<Integer> {

    enum PurposeKind {
        detect,
        identify,
        enrol,
        verify
    }

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

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Purpose requestPurpose = purpose();
        List<Path> files = ImageRequests.photoFiles(filesOrFolders);
        if (requestId != null && files.size() > 1) {
            throw new CliException(ExitCodes.USAGE, "--request-id needs exactly one photo, not " + files.size());
        }
        try (KafkaSession kafka = new KafkaSession(kafkaOptions)) {
            kafka.requireTopics(List.of(Topics.IMAGES));
            for (Path file : files) {
                String id = requestId != null ? requestId : UUID.randomUUID().toString();
                kafka.send(CloudEventRecords.of(Topics.IMAGES, id, ImageRequests.request(id, file, requestPurpose)));
                spec.commandLine().getOut().println(id);
                spec.commandLine().getOut().flush();
            }
        }
        return ExitCodes.OK;
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
