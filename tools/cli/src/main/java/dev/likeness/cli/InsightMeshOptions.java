package dev.likeness.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import dev.likeness.core.events.Requests;
import dev.likeness.core.kafka.Topics;
import dev.likeness.events.v1.DeadLetter;
import dev.likeness.events.v1.InsightProgress;
import dev.likeness.events.v1.InsightRequested;
import dev.likeness.events.v1.InsightResult;
import dev.likeness.follower.TopicFollower;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * {@code --mesh} of {@code atlas}, {@code maps} and {@code explain} (docs/insight.md, "The mesh"): the request goes to
 * the service that holds the network (stylising or embedding) instead of running here; the answer is the service's
 * InsightResult (a folder on its results volume) or its dead letter.
 */
final class InsightMeshOptions {

    private static final Duration POLL_INTERVAL = Duration.ofMillis(200);

    /** Where the services that serve insight requests (stylising, embedding) dead-letter what they refuse. */
    private static final List<String> DEAD_LETTERS =
            List.of(Topics.deadLetters("stylising"), Topics.deadLetters("embedding"));

    @Option(
            names = "--mesh",
            description = "Ask the mesh instead of running here: publish the request on " + Topics.INSIGHT_REQUESTS
                    + ", show its progress, print the InsightResult (the folder on the service's results volume, its"
                    + " files) or the dead letter's reason.")
    boolean mesh;

    @Option(
            names = "--timeout",
            paramLabel = "SECONDS",
            defaultValue = "3600",
            description = "--mesh: how long to wait for the result (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Option(names = "--request-id", paramLabel = "ID", description = "--mesh: request id (default: a new UUID).")
    String requestId;

    @Mixin
    KafkaOptions kafkaOptions;

    /**
     * Publishes the request and waits for its answer; what the command printed and exits with. Options of the
     * in-process run that the mesh's request has no field for are refused rather than silently dropped.
     */
    int request(InsightRequested.Builder job, CommandSpec spec, String... inProcessOnly) {
        List<String> given = new ArrayList<>();
        for (String option : inProcessOnly) {
            if (spec.commandLine().getParseResult().hasMatchedOption(option)) {
                given.add(option);
            }
        }
        if (!given.isEmpty()) {
            throw new CliException(ExitCodes.USAGE, String.join(", ", given) + " run in-process only, not with --mesh");
        }
        String id = requestId != null ? requestId : UUID.randomUUID().toString();
        InsightRequested request = job.setRequestId(id)
                .setSubmittedAt(Requests.timestamp(Instant.now()))
                .build();
        List<String> answers = new ArrayList<>(List.of(Topics.INSIGHT_PROGRESS, Topics.INSIGHT_RESULTS));
        answers.addAll(DEAD_LETTERS);
        List<String> topics = new ArrayList<>(answers);
        topics.add(Topics.INSIGHT_REQUESTS);
        PrintWriter err = spec.commandLine().getErr();
        try (KafkaSession kafka = new KafkaSession(kafkaOptions)) {
            kafka.requireTopics(topics);
            // Reading from the end starts before publishing, so neither progress nor a fast answer is missed.
            try (TopicFollower follower = kafka.reader(answers, false)) {
                kafka.send(CloudEventRecords.of(Topics.INSIGHT_REQUESTS, id, request));
                err.println("likeness: published insight request " + id);
                err.flush();
                return await(follower, id, spec);
            }
        }
    }

    private int await(TopicFollower follower, String id, CommandSpec spec) {
        PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        ProgressLine progress = ProgressLine.onTerminal(err, "photos", 0);
        long deadline = System.nanoTime() + Duration.ofSeconds(timeoutSeconds).toNanos();
        while (System.nanoTime() < deadline) {
            for (ConsumerRecord<String, byte[]> record : follower.poll(POLL_INTERVAL)) {
                // Every answer is keyed by its request id (a dead letter like the request it refuses), so records of
                // other requests and other producers, whatever they hold, are never decoded.
                if (!id.equals(record.key()) || record.value() == null) {
                    continue;
                }
                if (record.topic().equals(Topics.INSIGHT_PROGRESS)) {
                    InsightProgress step = CloudEventRecords.parse(InsightProgress.parser(), record);
                    progress.update(step.getPhotosDone(), step.getPhotosTotal());
                } else if (record.topic().equals(Topics.INSIGHT_RESULTS)) {
                    progress.finish();
                    out.println(EventJson.pretty(CloudEventRecords.parse(InsightResult.parser(), record)));
                    out.flush();
                    return ExitCodes.OK;
                } else if (DEAD_LETTERS.contains(record.topic())) {
                    DeadLetter letter = CloudEventRecords.parse(DeadLetter.parser(), record);
                    progress.finish();
                    err.println("likeness: " + letter.getService() + " dead-lettered insight request " + id + ": "
                            + letter.getReasonCode() + ": " + letter.getReason());
                    return ExitCodes.ERROR_RESULT;
                }
            }
        }
        progress.finish();
        err.println("likeness: no result for insight request " + id + " on " + Topics.INSIGHT_RESULTS
                + " and no dead letter within " + timeoutSeconds + " s");
        return ExitCodes.TIMED_OUT;
    }
}
