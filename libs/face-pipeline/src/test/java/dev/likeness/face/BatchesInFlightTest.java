package dev.likeness.face;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import dev.likeness.core.image.ImageRejectedException;
import dev.likeness.core.onnx.ModelsDirectory;

/** analyseAll's batches in flight: how images are split, and the same faces and embeddings as one batch at a time. */
class BatchesInFlightTest {

    @Test
    void imagesAreSplitEvenlyIntoEnoughBatchesForEveryBatchThread() {
        FacePipelineConfig config =
                FacePipelineConfig.defaults(Path.of("models")).withMaxBatch(8);

        assertThat(config.batchSizes(1)).containsExactly(1);
        assertThat(config.batchSizes(8)).containsExactly(4, 4);
        assertThat(config.batchSizes(9)).containsExactly(5, 4);
        assertThat(config.batchSizes(16)).containsExactly(8, 8);
        assertThat(config.batchSizes(17)).containsExactly(6, 6, 5);
        assertThat(config.withBatchesInFlight(1).batchSizes(8)).containsExactly(8);
        assertThat(config.withBatchesInFlight(1).batchSizes(9)).containsExactly(5, 4);
        assertThat(config.withBatchesInFlight(4).batchSizes(3)).containsExactly(1, 1, 1);
        assertThat(config.batchSizes(0)).containsExactly(0);
    }

    @Test
    void intraOpThreadsLeftAtZeroAreTheProcessorsSharedAmongTheBatches() {
        FacePipelineConfig config = FacePipelineConfig.defaults(Path.of("models"));
        int processors = Runtime.getRuntime().availableProcessors();

        assertThat(config.withBatchesInFlight(1).sessionOptions().intraOpThreads())
                .isEqualTo(processors);
        assertThat(config.withBatchesInFlight(2).sessionOptions().intraOpThreads())
                .isEqualTo(Math.max(1, processors / 2));
        assertThat(config.withBatchesInFlight(processors + 1).sessionOptions().intraOpThreads())
                .isEqualTo(1);
        FacePipelineConfig three = config.withInference(
                config.inference().toBuilder().intraOpThreads(3).build());
        assertThat(three.sessionOptions().intraOpThreads()).isEqualTo(3);
    }

    @Test
    @Tag("models")
    void batchesInFlightFindAndEmbedWhatOneBatchAtATimeDoes() throws Exception {
        Path models = ModelsDirectory.locate();
        List<byte[]> photos = new ArrayList<>(ReferenceEmbeddings.photoBytes(models));
        photos.addAll(ReferenceEmbeddings.photoBytes(models));
        // Batches of 4: the twelve photos make three, run two at a time.
        FacePipelineConfig config = FacePipelineConfig.defaults(models).withMaxBatch(4);
        Set<String> detectingThreads = ConcurrentHashMap.newKeySet();
        List<FaceAnalysis> inFlight;
        try (FacePipeline pipeline = FacePipeline.open(config, (stage, items, nanos) -> {
            if (stage == PipelineStage.DETECT) {
                detectingThreads.add(Thread.currentThread().getName());
            }
        })) {
            inFlight = pipeline.analyseAll(prepare(pipeline, photos));
        }
        List<FaceAnalysis> oneAtATime;
        try (FacePipeline pipeline = FacePipeline.open(config.withBatchesInFlight(1))) {
            oneAtATime = pipeline.analyseAll(prepare(pipeline, photos));
        }

        assertThat(detectingThreads)
                .contains(Thread.currentThread().getName())
                .anyMatch(name -> name.startsWith("face-pipeline-batch-"));
        assertThat(inFlight).hasSameSizeAs(photos);
        assertThat(inFlight.stream().mapToInt(a -> a.faces().size()).sum()).isEqualTo(2 * 22);
        for (int i = 0; i < photos.size(); i++) {
            List<AnalysedFace> faces = inFlight.get(i).faces();
            List<AnalysedFace> expected = oneAtATime.get(i).faces();
            assertThat(inFlight.get(i).width()).isEqualTo(oneAtATime.get(i).width());
            assertThat(faces).as("photo %d", i).hasSameSizeAs(expected);
            for (int f = 0; f < faces.size(); f++) {
                assertThat(faces.get(f).box().x1())
                        .isCloseTo(expected.get(f).box().x1(), within(0.5f));
                assertThat(faces.get(f).box().y2())
                        .isCloseTo(expected.get(f).box().y2(), within(0.5f));
                assertThat(dot(faces.get(f).embedding(), expected.get(f).embedding()))
                        .as("photo %d face %d cosine", i, f)
                        .isGreaterThan(1 - 1e-4);
            }
        }
    }

    @Test
    @Tag("models")
    void aBatchThatFailsFailsTheCallAndThePipelineGoesOn() throws Exception {
        Path models = ModelsDirectory.locate();
        List<byte[]> photos = ReferenceEmbeddings.photoBytes(models);
        try (FacePipeline pipeline = FacePipeline.open(FacePipelineConfig.defaults(models))) {
            List<PreparedImage> prepared = prepare(pipeline, photos);
            // The last photo's faces are cut from a second decode of its bytes (it is larger than detection needs):
            // bytes that stop being a JPEG after prepare make that decode, in the second batch, refuse it.
            byte[] spoilt = photos.get(photos.size() - 1);
            assertThat(prepared.get(prepared.size() - 1).forDetection().subsampling())
                    .isGreaterThan(1);
            Arrays.fill(spoilt, (byte) 0);

            assertThatThrownBy(() -> pipeline.analyseAll(prepared)).isInstanceOf(ImageRejectedException.class);

            List<FaceAnalysis> again = pipeline.analyseAll(prepared.subList(0, prepared.size() - 1));
            assertThat(again.stream().mapToInt(a -> a.faces().size()).sum()).isEqualTo(22 - 4);
        }
    }

    @Test
    @Tag("models")
    void callersAtOnceShareTheBatchThreadsAndEachGetsItsOwnResults() throws Exception {
        Path models = ModelsDirectory.locate();
        List<byte[]> photos = ReferenceEmbeddings.photoBytes(models);
        ExecutorService callers = Executors.newFixedThreadPool(3);
        try (FacePipeline pipeline = FacePipeline.open(FacePipelineConfig.defaults(models))) {
            List<PreparedImage> prepared = prepare(pipeline, photos);
            List<Integer> alone = faceCounts(pipeline.analyseAll(prepared));
            // Three callers, one batch thread: a caller whose helper waits behind another's batch does the work itself.
            List<Future<List<Integer>>> calls = new ArrayList<>();
            for (int round = 0; round < 12; round++) {
                List<PreparedImage> rotated = new ArrayList<>(prepared);
                Collections.rotate(rotated, round);
                List<Integer> expected = new ArrayList<>(alone);
                Collections.rotate(expected, round);
                calls.add(callers.submit(() -> {
                    assertThat(faceCounts(pipeline.analyseAll(rotated))).isEqualTo(expected);
                    return expected;
                }));
            }
            for (Future<List<Integer>> call : calls) {
                call.get(2, TimeUnit.MINUTES);
            }
            assertThat(alone).containsExactly(3, 3, 3, 4, 5, 4);
        } finally {
            callers.shutdownNow();
        }
    }

    private static List<Integer> faceCounts(List<FaceAnalysis> analyses) {
        return analyses.stream().map(a -> a.faces().size()).toList();
    }

    private static List<PreparedImage> prepare(FacePipeline pipeline, List<byte[]> photos) throws Exception {
        List<PreparedImage> prepared = new ArrayList<>();
        for (byte[] photo : photos) {
            prepared.add(pipeline.prepare(photo, 0, 0));
        }
        return prepared;
    }

    /** Both are L2-normalised: their dot product is their cosine. */
    private static double dot(float[] a, float[] b) {
        assertThat(a).hasSameSizeAs(b);
        double dot = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
        }
        return dot;
    }
}
