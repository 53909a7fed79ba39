package dev.likeness.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import dev.likeness.follower.TopicFollower;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
        name = "watch",
        description = "Print the records of TOPIC as JSON lines, decoded by their ce_type header;"
                + " image bytes are shown as their size.")
final class WatchCommand implements Callable<Integer> {

    private static final Duration POLL_INTERVAL = Duration.ofMillis(200);

    @Parameters(index = "0", paramLabel = "TOPIC")
    String topic;

    @Option(names = "--from-beginning", description = "Start with the oldest record (default: only new ones).")
    boolean fromBeginning;

    @Option(names = "--max", paramLabel = "N", description = "Stop after N records.")
    Integer maxRecords;

    @Option(
            names = "--timeout",
            paramLabel = "SECONDS",
            description = "Stop after this long; with --max, fewer than N records by then exits with 4.")
    Integer timeoutSeconds;

    @Mixin
    KafkaOptions kafkaOptions;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        int max = maxRecords == null ? Integer.MAX_VALUE : maxRecords;
        long deadline = timeoutSeconds == null
                ? Long.MAX_VALUE
                : System.nanoTime() + Duration.ofSeconds(timeoutSeconds).toNanos();
        PrintWriter out = spec.commandLine().getOut();
        int printed = 0;
        try (KafkaSession kafka = new KafkaSession(kafkaOptions)) {
            kafka.requireTopics(List.of(topic));
            try (TopicFollower consumer = kafka.reader(List.of(topic), fromBeginning)) {
                while (printed < max && System.nanoTime() < deadline) {
                    for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL_INTERVAL)) {
                        if (printed == max) {
                            break;
                        }
                        out.println(EventJson.line(record));
                        printed++;
                    }
                    out.flush();
                }
            }
        }
        return maxRecords != null && printed < max ? ExitCodes.TIMED_OUT : ExitCodes.OK;
    }
}
