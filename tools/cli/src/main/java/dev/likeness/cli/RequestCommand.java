package dev.likeness.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.likeness.events.v1.ImageSubmitted;
import dev.likeness.events.v1.MatchResult;
import dev.likeness.events.v1.Purpose;
import dev.likeness.follower.TopicFollower;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Publishes one photo and waits for the MatchResult keyed by its request id, printed as JSON. */
abstract class RequestCommand implements Callable<Integer> {

    private static final Duration POLL_INTERVAL = Duration.ofMillis(200);

    @Option(
            names = "--timeout",
            paramLabel = "SECONDS",
            defaultValue = "60",
            description = "How long to wait for the result (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Option(names = "--request-id", paramLabel = "ID", description = "Request id (default: a new UUID).")
    String requestId;

    @Mixin
    KafkaOptions kafkaOptions;

    @Mixin
    TenantOption tenant;

    @Mixin
    TenantTopicsOption topics;

    @Spec
    CommandSpec spec;

    abstract Path photo();

    abstract Purpose purpose();

    @Override
    public Integer call() {
        Path file = ImageRequests.requireReadableFile(photo());
        String id = requestId != null ? requestId : UUID.randomUUID().toString();
        ImageSubmitted request = tenant.applyTo(ImageRequests.request(id, file, purpose()));
        String imagesTopic = topics.images(tenant);
        String matchesTopic = topics.matches(tenant);
        try (KafkaSession kafka = new KafkaSession(kafkaOptions)) {
            kafka.requireTopics(List.of(imagesTopic, matchesTopic));
            // Reading from the end starts before publishing, so a fast answer is not missed.
            try (TopicFollower results = kafka.reader(List.of(matchesTopic), false)) {
                kafka.send(CloudEventRecords.of(imagesTopic, id, request));
                Optional<MatchResult> result = awaitResult(results, id);
                if (result.isEmpty()) {
                    spec.commandLine()
                            .getErr()
                            .println("likeness: no result for request " + id + " on " + matchesTopic + " within "
                                    + timeoutSeconds + " s");
                    return ExitCodes.TIMED_OUT;
                }
                spec.commandLine().getOut().println(EventJson.pretty(result.get()));
                return result.get().hasError() ? ExitCodes.ERROR_RESULT : ExitCodes.OK;
            }
        }
    }

    private Optional<MatchResult> awaitResult(TopicFollower results, String id) {
        long deadline = System.nanoTime() + Duration.ofSeconds(timeoutSeconds).toNanos();
        while (System.nanoTime() < deadline) {
            for (ConsumerRecord<String, byte[]> record : results.poll(POLL_INTERVAL)) {
                if (id.equals(record.key()) && record.value() != null) {
                    try {
                        return Optional.of(MatchResult.parseFrom(record.value()));
                    } catch (InvalidProtocolBufferException e) {
                        throw new CliException(
                                ExitCodes.UNEXPECTED,
                                "undecodable MatchResult for request " + id + ": " + e.getMessage());
                    }
                }
            }
        }
        return Optional.empty();
    }
}
