package dev.likeness.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import dev.likeness.events.v1.DeadLetter;
import dev.likeness.events.v1.ImageSubmitted;
import dev.likeness.events.v1.MatchResult;
import dev.likeness.events.v1.Purpose;
import dev.likeness.follower.TopicFollower;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Publishes one photo and waits for the MatchResult keyed by its request id, printed as JSON, or for the dead letter
 * of a service that refused it.
 */
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
        PrintWriter err = spec.commandLine().getErr();
        try (KafkaSession kafka = new KafkaSession(kafkaOptions)) {
            Set<String> existing = kafka.requireTopics(List.of(imagesTopic, matchesTopic));
            // A refused request is answered by a dead letter instead of a MatchResult: followed too, so that it ends
            // the wait with its reason (those topics exist once the services have started).
            List<String> answers = new ArrayList<>(List.of(matchesTopic));
            topics.deadLetters().stream().filter(existing::contains).forEach(answers::add);
            // Reading from the end starts before publishing, so a fast answer is not missed.
            try (TopicFollower follower = kafka.reader(answers, false)) {
                kafka.send(CloudEventRecords.of(imagesTopic, id, request));
                Optional<ConsumerRecord<String, byte[]>> answer = awaitAnswer(follower, id);
                if (answer.isEmpty()) {
                    err.println("likeness: no result for request " + id + " on " + matchesTopic
                            + (answers.size() > 1 ? " and no dead letter" : "") + " within " + timeoutSeconds + " s");
                    return ExitCodes.TIMED_OUT;
                }
                ConsumerRecord<String, byte[]> record = answer.get();
                if (!record.topic().equals(matchesTopic)) {
                    DeadLetter letter = CloudEventRecords.parse(DeadLetter.parser(), record);
                    err.println("likeness: " + letter.getService() + " dead-lettered request " + id + ": "
                            + letter.getReasonCode() + ": " + letter.getReason());
                    return ExitCodes.ERROR_RESULT;
                }
                MatchResult result = CloudEventRecords.parse(MatchResult.parser(), record);
                spec.commandLine().getOut().println(EventJson.pretty(result));
                return result.hasError() ? ExitCodes.ERROR_RESULT : ExitCodes.OK;
            }
        }
    }

    /** The first record keyed by the request id on any of the followed topics, within the timeout. */
    private Optional<ConsumerRecord<String, byte[]>> awaitAnswer(TopicFollower follower, String id) {
        long deadline = System.nanoTime() + Duration.ofSeconds(timeoutSeconds).toNanos();
        while (System.nanoTime() < deadline) {
            for (ConsumerRecord<String, byte[]> record : follower.poll(POLL_INTERVAL)) {
                if (id.equals(record.key()) && record.value() != null) {
                    return Optional.of(record);
                }
            }
        }
        return Optional.empty();
    }
}
