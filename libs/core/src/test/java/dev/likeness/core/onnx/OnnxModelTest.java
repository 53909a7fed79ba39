package dev.likeness.core.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;

@Tag("models")
class OnnxModelTest {

    private static final Path FEATURE = ModelsDirectory.resolve("face/fr_feature.onnx");
    private static final long[] FACE_SHAPE = {1, 3, 112, 112};

    private static OnnxModel feature;

    @BeforeAll
    static void openOnCpu() {
        feature = OnnxModel.open(FEATURE);
    }

    @AfterAll
    static void close() {
        feature.close();
    }

    @Test
    void describesTheGraph() {
        assertThat(feature.provider()).isEqualTo(ExecutionProvider.CPU);
        assertThat(feature.fellBackToCpu()).isFalse();
        assertThat(feature.fallbackReason()).isEmpty();
        assertThat(feature.path()).isEqualTo(FEATURE.toAbsolutePath().normalize());
        assertThat(feature.inputs()).containsOnlyKeys("input");
        assertThat(feature.input("input").shape()).containsExactly(FACE_SHAPE);
        assertThat(feature.input("input").elementType()).isEqualTo("FLOAT");
        assertThat(feature.output("output").dimension(1)).as("embedding size").isEqualTo(512);
    }

    @Test
    void runsASingleInputModel() {
        FloatTensor embedding = feature.run(randomFace(1), FACE_SHAPE);

        assertThat(embedding.shape()).containsExactly(1, 512);
        assertThat(embedding.data()).hasSize(512);
    }

    @Test
    void runWithNamedInputsAndOutputs() {
        FloatBuffer face = randomFace(2);

        Map<String, FloatTensor> outputs = feature.run(Map.of("input", FloatInput.of(face, FACE_SHAPE)));

        assertThat(outputs).containsOnlyKeys("output");
        assertThat(outputs.get("output")).isEqualTo(feature.run(face, FACE_SHAPE));
    }

    @Test
    void cudaThatCannotLoadFailsLoudly() {
        assumeCudaUnavailable();
        InferenceOptions cuda =
                InferenceOptions.builder().provider(ExecutionProvider.CUDA).build();

        assertThatThrownBy(() -> OnnxModel.open(FEATURE, cuda))
                .isInstanceOf(ExecutionProviderUnavailableException.class)
                .hasMessageStartingWith("CUDA execution provider requested but cannot be loaded: ")
                .hasMessageContaining("Build with -Pcuda (onnxruntime_gpu) on a machine with a CUDA GPU")
                .hasMessageContaining("allow-cpu-fallback=true");
    }

    @Test
    void cudaFallbackRunsOnCpuAndSaysSo() {
        assumeCudaUnavailable();
        InferenceOptions cudaOrCpu = InferenceOptions.builder()
                .provider(ExecutionProvider.CUDA)
                .allowCpuFallback(true)
                .build();

        try (OnnxModel model = OnnxModel.open(FEATURE, cudaOrCpu)) {
            assertThat(model.fellBackToCpu()).isTrue();
            assertThat(model.provider()).isEqualTo(ExecutionProvider.CPU);
            assertThat(model.fallbackReason()).get().asString().contains("CUDA");
            FloatBuffer face = randomFace(3);
            assertThat(model.run(face, FACE_SHAPE)).isEqualTo(feature.run(face, FACE_SHAPE));
        }
    }

    @Test
    void missingFileNamesThePathAndTheFix() {
        Path missing = Path.of("no-such-folder", "fr_missing.onnx");

        assertThatThrownBy(() -> OnnxModel.open(missing))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining(missing.toAbsolutePath().normalize().toString())
                .hasMessageContaining("make models");
    }

    @Test
    void folderIsNotAModel(@TempDir Path folder) {
        assertThatThrownBy(() -> OnnxModel.open(folder))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("not a readable file")
                .hasMessageContaining(folder.toString());
    }

    @Test
    void corruptFileIsReportedAsSuch(@TempDir Path folder) throws Exception {
        Path corrupt = Files.write(folder.resolve("fr_feature.onnx"), "not a protobuf".getBytes());

        assertThatThrownBy(() -> OnnxModel.open(corrupt))
                .isInstanceOf(ModelLoadException.class)
                .isNotInstanceOf(ExecutionProviderUnavailableException.class)
                .hasMessageContaining("cannot load the model " + corrupt);
    }

    @Test
    void wrongInputShapeIsAnInferenceError() {
        assertThatThrownBy(() -> feature.run(FloatInput.allocate(1, 3, 64, 64), 1, 3, 64, 64))
                .isInstanceOf(InferenceException.class)
                .hasMessageContaining("fr_feature.onnx");
    }

    @Test
    void unknownNamesAreCallerErrors() {
        FloatInput face = FloatInput.of(randomFace(4), FACE_SHAPE);

        assertThatThrownBy(() -> feature.run(Map.of("image", face)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no input 'image'");
        assertThatThrownBy(() -> feature.run(Map.of("input", face), Set.of("embedding")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no output 'embedding'");
    }

    @Test
    void bufferMustHoldExactlyTheShape() {
        FloatBuffer unflipped = FloatInput.allocate(FACE_SHAPE);
        unflipped.position(100);

        assertThatThrownBy(() -> FloatInput.of(unflipped, FACE_SHAPE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("flip()");
    }

    @Test
    void bigEndianDirectBufferGivesTheSameResult() {
        FloatBuffer heap = randomFace(5);
        FloatBuffer bigEndian = ByteBuffer.allocateDirect(heap.capacity() * Float.BYTES)
                .order(ByteOrder.BIG_ENDIAN)
                .asFloatBuffer();
        bigEndian.put(heap.duplicate()).flip();

        assertThat(feature.run(bigEndian, FACE_SHAPE)).isEqualTo(feature.run(heap, FACE_SHAPE));
    }

    @Test
    void warmUpUsesTheGivenShape() {
        InferenceOptions impossibleWarmUp = InferenceOptions.builder()
                .warmUpRuns(2)
                .warmUpShape("input", 1, 3, 50, 50)
                .build();

        assertThatThrownBy(() -> OnnxModel.open(FEATURE, impossibleWarmUp))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("Warm-up of");
    }

    @Test
    void concurrentRunsAgreeWithSequentialOnes() throws Exception {
        List<FloatBuffer> faces = new ArrayList<>();
        List<FloatTensor> expected = new ArrayList<>();
        for (int seed = 0; seed < 8; seed++) {
            faces.add(randomFace(100 + seed));
            expected.add(feature.run(faces.get(seed), FACE_SHAPE));
        }
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            List<Future<FloatTensor>> results = new ArrayList<>();
            for (int round = 0; round < 3; round++) {
                for (FloatBuffer face : faces) {
                    results.add(threads.submit(() -> feature.run(face.duplicate(), FACE_SHAPE)));
                }
            }
            for (int i = 0; i < results.size(); i++) {
                assertThat(results.get(i).get()).isEqualTo(expected.get(i % faces.size()));
            }
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void closingWhileRunsAreInFlightWaitsForThemAndRefusesLaterRuns() throws Exception {
        OnnxModel model = OnnxModel.open(FEATURE);
        FloatBuffer face = randomFace(7);
        FloatTensor expected = model.run(face.duplicate(), FACE_SHAPE);
        ExecutorService threads = Executors.newFixedThreadPool(3);
        // Every thread has finished a run before the close, however loaded the machine: no sleep to guess.
        CountDownLatch eachRanOnce = new CountDownLatch(3);
        try {
            List<Future<Integer>> runners = new ArrayList<>();
            for (int thread = 0; thread < 3; thread++) {
                runners.add(threads.submit(() -> {
                    int completed = 0;
                    while (true) {
                        try {
                            assertThat(model.run(face.duplicate(), FACE_SHAPE)).isEqualTo(expected);
                            if (completed++ == 0) {
                                eachRanOnce.countDown();
                            }
                        } catch (InferenceException refused) {
                            assertThat(refused).hasMessageContaining("is closed");
                            return completed;
                        }
                    }
                }));
            }
            assertThat(eachRanOnce.await(1, TimeUnit.MINUTES))
                    .as("every thread ran once")
                    .isTrue();

            model.close();

            for (Future<Integer> runner : runners) {
                assertThat(runner.get()).as("runs completed before the close").isPositive();
            }
            assertThatThrownBy(() -> model.run(face.duplicate(), FACE_SHAPE))
                    .isInstanceOf(ModelClosedException.class)
                    .hasMessage("Model fr_feature.onnx is closed (the service is stopping)");
            model.close();
        } finally {
            threads.shutdownNow();
        }
    }

    private static void assumeCudaUnavailable() {
        // On a -Pcuda build with a GPU the provider loads, and these tests have nothing to check.
        assumeThat(OrtEnvironment.getAvailableProviders()).doesNotContain(OrtProvider.CUDA);
    }

    private static FloatBuffer randomFace(long seed) {
        Random random = new Random(seed);
        FloatBuffer face = FloatBuffer.allocate(3 * 112 * 112);
        while (face.hasRemaining()) {
            face.put(random.nextFloat() * 2 - 1);
        }
        return face.flip();
    }
}
