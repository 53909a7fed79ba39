package dev.likeness.mesh;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.likeness.events.v1.ImageStylised;
import dev.likeness.events.v1.StyleRequested;
import dev.likeness.testing.ServiceProcess;

/**
 * Stylising's at-least-once guarantee under a crash (it refuses exactly-once, see docs/reliability.md): quick
 * style requests queue on a real broker, the service runs as an OS process from its jar, and is SIGKILLed once
 * while it works and restarted. Every request must have a picture, under its own key, and every result of a
 * request must carry the same picture bytes: a repeat is the same painting, not merely the same key.
 */
@Tag("broker")
class StylisingUnderFaultsTest {

    static final int REQUESTS = 80;
    static final Duration RUN_TIMEOUT = Duration.ofMinutes(6);

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void atLeastOnceEveryStyleRequestHasOnePictureUnderItsKey() throws Exception {
        long started = System.nanoTime();
        StyleJobs jobs = StyleJobs.create();
        Map<String, StyleRequested> sent = new LinkedHashMap<>();
        for (int i = 0; i < REQUESTS; i++) {
            String id = String.format("style-%03d", i);
            sent.put(id, jobs.request(id, i));
        }
        Map<String, String> figures = new LinkedHashMap<>();
        try (Mesh mesh = Mesh.withTopics("stylising-faults")) {
            List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
            sent.forEach(
                    (id, request) -> records.add(new ProducerRecord<>(Mesh.STYLE_REQUESTS, id, request.toByteArray())));
            mesh.publish(records);
            String bootstrap = mesh.bootstrapServers();
            try (TopicTally results = new TopicTally(bootstrap, Mesh.STYLE_RESULTS, "read_committed")) {
                ServiceProcess stylising = mesh.startServices("at-least-once", "256m", "stylising")[0];

                TopicTally.await(() -> results.distinctKeys() >= REQUESTS / 3, RUN_TIMEOUT, "a third of the pictures");
                figures.put("stylising SIGKILLed after results", results.distinctKeys() + " pictures");
                stylising.kill();
                stylising.restart();

                TopicTally.await(() -> results.distinctKeys() >= REQUESTS, RUN_TIMEOUT, "a picture for every request");
                // Every offset committed: nothing more can come. Then every result written, late repeats included,
                // lies below the end offsets the topics have now: read them to there.
                DeliveryUnderFaultsTest.awaitConsumed(
                        bootstrap, "likeness-stylising", DeliveryUnderFaultsTest.ends(bootstrap, Mesh.STYLE_REQUESTS));
                Map<String, List<byte[]>> seen = TopicTally.everyRecord(bootstrap, Mesh.STYLE_RESULTS);
                long written = TopicTally.count(seen);
                assertThat(seen.keySet()).as("ImageStylised keys").isEqualTo(sent.keySet());
                assertThat(TopicTally.everyRecord(bootstrap, Mesh.STYLISING_DLQ))
                        .as("stylising dead letters")
                        .isEmpty();
                assertThat(stylising.isAlive()).as("stylising still running").isTrue();
                // The same request always paints the same picture: per content variant, one set of PNG bytes.
                Map<Integer, ByteString> pictures = new LinkedHashMap<>();
                int i = 0;
                for (String id : sent.keySet()) {
                    int variant = i++ % jobs.variants();
                    for (byte[] value : seen.get(id)) {
                        ImageStylised result = parse(value);
                        assertThat(result.getRequestId()).isEqualTo(id);
                        assertThat(result.getOutcomeCase())
                                .as("outcome of %s", id)
                                .isEqualTo(ImageStylised.OutcomeCase.IMAGE);
                        assertThat(result.getIterations())
                                .as("iterations of %s", id)
                                .isEqualTo(StyleJobs.ITERATIONS);
                        ByteString picture = result.getImage().getInline();
                        assertThat(picture.isEmpty())
                                .as("inline picture of %s", id)
                                .isFalse();
                        assertThat(picture)
                                .as("picture of %s (content variant %d)", id, variant)
                                .isEqualTo(pictures.computeIfAbsent(variant, v -> picture));
                    }
                }
                long repeated = seen.values().stream()
                        .filter(values -> values.size() > 1)
                        .count();
                figures.put("requests", REQUESTS + " (" + StyleJobs.describe() + ", " + jobs.variants() + " contents)");
                figures.put(
                        "ImageStylised records (read_committed)",
                        written + " for " + seen.size()
                                + " requests: " + (written - seen.size()) + " duplicates (" + repeated
                                + " requests answered more than once), each with the same key and PNG bytes as the first");
                figures.put("distinct pictures", pictures.size() + " (one per content, identical across requests)");
                figures.put("dead letters", "0");
                figures.put(
                        "wall time",
                        (System.nanoTime() - started) / 1_000_000_000 + " s (broker, one service "
                                + "start, one SIGKILL and restart)");
                DeliveryUnderFaultsTest.report("stylising at-least-once", figures);
            }
        }
    }

    private static ImageStylised parse(byte[] value) {
        try {
            return ImageStylised.parseFrom(value);
        } catch (InvalidProtocolBufferException e) {
            throw new AssertionError(e);
        }
    }
}
