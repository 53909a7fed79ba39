package dev.likeness.mesh;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import com.google.protobuf.ByteString;
import dev.likeness.events.v1.BoundingBox;
import dev.likeness.events.v1.Face;
import dev.likeness.events.v1.FacesEmbedded;
import dev.likeness.events.v1.ImageSource;
import dev.likeness.events.v1.ImageSubmitted;
import dev.likeness.events.v1.ModelRef;
import dev.likeness.events.v1.Purpose;
import dev.likeness.testing.ServiceProcess;

/**
 * A burst far larger than a service holds: 10,000 images, 10,000 FacesEmbedded requests and 10,000 style requests
 * queued before embedding, matching and stylising start with a 128 MiB heap each. Every request carries a caller
 * attribute that pads it to {@link #RECORD_BYTES}, so each service's backlog is twice its heap: a service that
 * buffered its backlog would run out of memory (and exit, -XX:+ExitOnOutOfMemoryError). The padding compresses,
 * so the broker stores and serves little more than before. While most of the backlog is still queued, each service
 * stays up without an OutOfMemoryError and results keep coming in every window: the work in flight is bounded by
 * max.poll.records, not by the backlog.
 */
@Tag("broker")
@Tag("models")
class BackpressureTest {

    static final int BURST = 10_000;
    static final String HEAP = "128m";
    static final long HEAP_LIMIT = 128L * 1024 * 1024;
    /** Each queued request's size at least: a backlog of BURST of them is twice the heap. */
    static final int RECORD_BYTES = (int) (2 * HEAP_LIMIT / BURST);
    /** Requests built and published at a time: the whole burst would take the test's own heap. */
    static final int CHUNK = 1_000;

    static final Duration WINDOW = Duration.ofSeconds(10);
    static final int WINDOWS = 3;

    @Test
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void aQueuedBurstKeepsHeapsBoundedAndWorkMoving() throws Exception {
        FaceViews views = FaceViews.ofSamples();
        try (Mesh mesh = Mesh.withTopics("backpressure")) {
            Map<String, Long> backlog = queueBurst(mesh, views, StyleJobs.create());
            for (var queued : backlog.entrySet()) {
                assertThat(queued.getValue())
                        .as("bytes queued on %s", queued.getKey())
                        .isGreaterThan(2 * HEAP_LIMIT);
            }
            String bootstrap = mesh.bootstrapServers();
            try (TopicTally faces = new TopicTally(bootstrap, Mesh.FACES, "read_committed");
                    TopicTally matches = new TopicTally(bootstrap, Mesh.MATCHES, "read_committed");
                    TopicTally pictures = new TopicTally(bootstrap, Mesh.STYLE_RESULTS, "read_committed")) {
                ServiceProcess[] services =
                        mesh.startServices("at-least-once", HEAP, "embedding", "matching", "stylising");
                long[] peak = new long[services.length];
                List<String> progress = new ArrayList<>();
                // Results of the embedding service: FacesEmbedded beyond the burst queued directly on the topic.
                long facesBefore = BURST, matchesBefore = 0, picturesBefore = 0;
                for (int window = 0; window < WINDOWS; window++) {
                    long end = System.nanoTime() + WINDOW.toNanos();
                    while (System.nanoTime() < end) {
                        for (int s = 0; s < services.length; s++) {
                            assertThat(services[s].isAlive())
                                    .as("%s still running", services[s].name())
                                    .isTrue();
                            peak[s] = Math.max(peak[s], heapUsed(services[s]));
                        }
                        Thread.sleep(500);
                    }
                    long facesNow = faces.records(), matchesNow = matches.records(), picturesNow = pictures.records();
                    progress.add((facesNow - facesBefore) + " images / " + (matchesNow - matchesBefore) + " matches / "
                            + (picturesNow - picturesBefore) + " pictures");
                    assertThat(facesNow)
                            .as("embedding results in window %d", window + 1)
                            .isGreaterThan(facesBefore);
                    assertThat(matchesNow)
                            .as("matching results in window %d", window + 1)
                            .isGreaterThan(matchesBefore);
                    assertThat(picturesNow)
                            .as("stylising results in window %d", window + 1)
                            .isGreaterThan(picturesBefore);
                    facesBefore = facesNow;
                    matchesBefore = matchesNow;
                    picturesBefore = picturesNow;
                }
                long imagesDone = faces.records() - BURST, matchesDone = matches.records();
                long picturesDone = pictures.records();
                // The point: memory stayed bounded while most of the burst was still waiting on the broker.
                assertThat(imagesDone).as("images answered during the test").isLessThan(BURST);
                assertThat(matchesDone).as("matches answered during the test").isLessThan(2L * BURST);
                assertThat(picturesDone)
                        .as("style requests answered during the test")
                        .isLessThan(BURST / 2);
                for (int s = 0; s < services.length; s++) {
                    assertThat(services[s].isAlive())
                            .as("%s still running", services[s].name())
                            .isTrue();
                    assertThat(Files.readString(services[s].logFile()))
                            .as("%s log", services[s].name())
                            .doesNotContain("java.lang.OutOfMemoryError");
                }
                Map<String, String> figures = new LinkedHashMap<>();
                figures.put(
                        "queued before start",
                        BURST + " images (160x120 JPEG, identify) + " + BURST + " FacesEmbedded (identify) + " + BURST
                                + " StyleRequested (" + StyleJobs.describe() + "), each padded to at least "
                                + RECORD_BYTES / 1024 + " KiB by an attribute; " + mib(backlog.get(Mesh.IMAGES))
                                + " + " + mib(backlog.get(Mesh.FACES)) + " + " + mib(backlog.get(Mesh.STYLE_REQUESTS))
                                + " MiB (lz4 on the broker)");
                figures.put("heap limit", "-Xmx" + HEAP + " per service, -XX:+ExitOnOutOfMemoryError");
                figures.put(
                        "peak heap used (/q/metrics, sampled every 0.5 s)",
                        "embedding " + mib(peak[0]) + " MiB, matching " + mib(peak[1]) + " MiB, stylising "
                                + mib(peak[2]) + " MiB");
                figures.put("answered per " + WINDOW.toSeconds() + " s window", String.join("; ", progress));
                figures.put(
                        "still queued at the end",
                        (BURST - imagesDone) + " images, at least "
                                + (BURST - Math.min(BURST, matchesDone)) + " faces, " + (BURST - picturesDone)
                                + " style requests");
                DeliveryUnderFaultsTest.report("backpressure", figures);
            }
        }
    }

    /** Publishes the burst, a chunk at a time, compressed; returns the bytes queued on each input topic. */
    private static Map<String, Long> queueBurst(Mesh mesh, FaceViews views, StyleJobs styles) throws Exception {
        ModelRef model = ModelRef.newBuilder()
                .setId(views.embeddingModel().id())
                .setVersion(views.embeddingModel().version())
                .build();
        Purpose identify = Purpose.newBuilder()
                .setIdentify(Purpose.Identify.newBuilder().setTopK(3))
                .build();
        String padding = "p".repeat(RECORD_BYTES);
        Map<String, Long> backlog = new LinkedHashMap<>();
        for (int from = 0; from < BURST; from += CHUNK) {
            List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
            for (int i = from; i < from + CHUNK; i++) {
                int view = i % views.size();
                String image = "burst-image-" + i;
                records.add(new ProducerRecord<>(
                        Mesh.IMAGES,
                        image,
                        ImageSubmitted.newBuilder()
                                .setRequestId(image)
                                .setImage(ImageSource.newBuilder()
                                        .setInline(ByteString.copyFrom(
                                                views.jpegs().get(view))))
                                .setOptions(ImageSubmitted.Options.newBuilder().setMaxFaces(1))
                                .setPurpose(identify)
                                .putAttributes("padding", padding)
                                .build()
                                .toByteArray()));
                String faces = "burst-faces-" + i;
                Face.Builder face = Face.newBuilder()
                        .setDetectorScore(0.99f)
                        .setBox(BoundingBox.newBuilder()
                                .setX1(40)
                                .setY1(30)
                                .setX2(100)
                                .setY2(90));
                for (float value : views.embeddings().get(view)) {
                    face.addEmbedding(value);
                }
                records.add(new ProducerRecord<>(
                        Mesh.FACES,
                        faces,
                        FacesEmbedded.newBuilder()
                                .setRequestId(faces)
                                .setEmbeddingModel(model)
                                .setImageWidth(FaceViews.WIDTH)
                                .setImageHeight(FaceViews.HEIGHT)
                                .setPurpose(identify)
                                .addFaces(face)
                                .putAttributes("padding", padding)
                                .build()
                                .toByteArray()));
                String style = "burst-style-" + i;
                records.add(new ProducerRecord<>(
                        Mesh.STYLE_REQUESTS,
                        style,
                        styles.request(style, i).toBuilder()
                                .putAttributes("padding", padding)
                                .build()
                                .toByteArray()));
            }
            records.forEach(record -> backlog.merge(record.topic(), (long) record.value().length, Long::sum));
            mesh.publish(records, Map.of(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4"));
        }
        return backlog;
    }

    /** The sum of the heap pools' used bytes, as Micrometer exports them. */
    private static long heapUsed(ServiceProcess service) throws Exception {
        long used = 0;
        for (String line : service.get("/q/metrics").split("\n")) {
            if (line.startsWith("jvm_memory_used_bytes{") && line.contains("area=\"heap\"")) {
                used += (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        assertThat(used).as("heap used reported by %s", service.name()).isPositive();
        return used;
    }

    private static long mib(long bytes) {
        return bytes / (1024 * 1024);
    }
}
