package dev.likeness.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.likeness.core.kafka.Topics;
import dev.likeness.events.v1.DeadLetter;
import dev.likeness.follower.TopicFollower;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
        name = "dlq",
        description = "Print the dead letters the services have written so far, one per line:"
                + " reason code, reason, source topic/partition/offset, service, request id.")
final class DlqCommand implements Callable<Integer> {

    private static final Duration POLL_INTERVAL = Duration.ofMillis(200);

    @Option(
            names = "--service",
            paramLabel = "SERVICE",
            description = "embedding, matching or stylising (default: all of them whose topic exists).")
    String service;

    @Mixin
    KafkaOptions kafkaOptions;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (service != null && !Topics.DEAD_LETTER_SERVICES.contains(service)) {
            throw new CliException(
                    ExitCodes.USAGE, "--service must be one of " + Topics.DEAD_LETTER_SERVICES + ", not " + service);
        }
        try (KafkaSession kafka = new KafkaSession(kafkaOptions)) {
            List<String> topics;
            if (service != null) {
                topics = List.of(Topics.deadLetters(service));
                kafka.requireTopics(topics);
            } else {
                Set<String> existing = kafka.existingTopics();
                topics = Topics.DEAD_LETTER_SERVICES.stream()
                        .map(Topics::deadLetters)
                        .filter(existing::contains)
                        .toList();
            }
            if (topics.isEmpty()) {
                return ExitCodes.OK;
            }
            try (TopicFollower consumer = kafka.reader(topics, true)) {
                printUntilEnd(consumer);
            }
        }
        return ExitCodes.OK;
    }

    /** Reads up to the end offsets as they are now: the dead letters so far, not those still to come. */
    private void printUntilEnd(TopicFollower reader) {
        PrintWriter out = spec.commandLine().getOut();
        boolean reachedEnd = reader.readToEnd(KafkaSession.READ_TO_END, record -> out.println(describe(record)));
        out.flush();
        if (!reachedEnd) {
            throw new CliException(ExitCodes.TIMED_OUT, "could not read " + reader.topics() + " to their end");
        }
    }

    private static String describe(ConsumerRecord<String, byte[]> record) {
        if (record.value() == null) {
            return "tombstone at " + record.topic() + "/" + record.partition() + "/" + record.offset();
        }
        try {
            DeadLetter letter = DeadLetter.parseFrom(record.value());
            return String.join(
                    "\t",
                    letter.getReasonCode(),
                    letter.getReason(),
                    letter.getSourceTopic() + "/" + letter.getSourcePartition() + "/" + letter.getSourceOffset(),
                    letter.getService(),
                    letter.getRequestId());
        } catch (InvalidProtocolBufferException e) {
            return "undecodable dead letter at " + record.topic() + "/" + record.partition() + "/" + record.offset()
                    + ": " + e.getMessage();
        }
    }
}
