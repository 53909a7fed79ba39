package dev.likeness.core.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("models")
class InputBuffersTest {

    private static final Path FEATURE = ModelsDirectory.resolve("face/fr_feature.onnx");

    @Test
    void aReleasedBufferServesTheNextBatchUpToItsCapacity() {
        InputBuffers buffers = new InputBuffers();
        FloatBuffer eight = buffers.take(8, 3, 4, 4);
        assertThat(eight.isDirect()).isTrue();
        assertThat(eight.position()).isZero();
        assertThat(eight.limit()).isEqualTo(8 * 3 * 4 * 4);
        buffers.release(eight);

        FloatBuffer two = buffers.take(2, 3, 4, 4);
        assertThat(two).isSameAs(eight);
        assertThat(two.limit()).isEqualTo(2 * 3 * 4 * 4);
        FloatBuffer heldAtTheSameTime = buffers.take(2, 3, 4, 4);
        assertThat(heldAtTheSameTime).isNotSameAs(two);
        buffers.release(two);

        FloatBuffer larger = buffers.take(16, 3, 4, 4);
        assertThat(larger).isNotSameAs(two);
        assertThat(larger.limit()).isEqualTo(16 * 3 * 4 * 4);
    }

    @Test
    void fillNotInParallelWritesEveryItemOnTheCallingThreadInOrder() {
        InputBuffers buffers = new InputBuffers();
        int items = 16, perItem = 3 * 4 * 4;
        List<Integer> order = new ArrayList<>();
        Thread caller = Thread.currentThread();

        try (InputBuffers.Batch filled = buffers.fill(items, 3, 4, 4, false, (item, slice) -> {
            assertThat(Thread.currentThread()).isSameAs(caller);
            order.add(item);
            for (int i = 0; i < perItem; i++) {
                slice.put(item * 100 + i);
            }
        })) {
            assertThat(order).isEqualTo(IntStream.range(0, items).boxed().toList());
            for (int item = 0; item < items; item++) {
                assertThat(filled.buffer().get(item * perItem + 7)).isEqualTo(item * 100f + 7);
            }
        }
    }

    @Test
    void fillWritesEveryItemIntoItsOwnSliceOnSeveralThreads() {
        InputBuffers buffers = new InputBuffers();
        int items = 64, perItem = 3 * 8 * 8;
        Set<Thread> threads = ConcurrentHashMap.newKeySet();
        boolean severalCores = Runtime.getRuntime().availableProcessors() > 1;
        // Tiny items can all be done by the calling thread before a pool thread wakes: each item waits (at most
        // 10 s) until a second thread has taken part, so that the test sees the parallelism it asserts.
        CountDownLatch twoThreads = new CountDownLatch(2);

        InputBuffers.Batch filled = buffers.fill(items, 3, 8, 8, true, (item, slice) -> {
            if (threads.add(Thread.currentThread())) {
                twoThreads.countDown();
            }
            if (severalCores) {
                awaitQuietly(twoThreads);
            }
            assertThat(slice.remaining()).isEqualTo(perItem);
            for (int i = 0; i < perItem; i++) {
                slice.put(item * 1000 + i);
            }
        });

        FloatBuffer batch = filled.buffer();
        assertThat(batch.position()).isZero();
        assertThat(batch.limit()).isEqualTo(items * perItem);
        for (int item = 0; item < items; item++) {
            for (int i = 0; i < perItem; i++) {
                assertThat(batch.get(item * perItem + i)).isEqualTo(item * 1000f + i);
            }
        }
        if (severalCores) {
            assertThat(threads).hasSizeGreaterThan(1);
        }
        filled.close();
        assertThat(buffers.take(items, 3, 8, 8)).isSameAs(batch);
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void aBatchRunsTheNetworkOnItsFloats() {
        long[] shape = {1, 3, 112, 112};
        FloatBuffer face = FloatInput.allocate(shape);
        Random random = new Random(11);
        while (face.hasRemaining()) {
            face.put(random.nextFloat() * 2 - 1);
        }
        face.flip();
        InputBuffers buffers = new InputBuffers();
        try (OnnxModel feature = OnnxModel.open(FEATURE);
                InputBuffers.Batch batch =
                        buffers.fill(1, 3, 112, 112, true, (item, slice) -> slice.put(face.duplicate()))) {
            String output = feature.outputs().keySet().iterator().next();
            assertThat(batch.run(feature, Set.of(output)).get(output).data())
                    .containsExactly(feature.run(face, shape).data(), within(1e-6f));
        }
    }

    /** A reused buffer holds the last batch's floats; a network fed from it computes what a fresh buffer gives. */
    @Test
    void aNetworkFedFromAReusedBufferComputesWhatAFreshBufferGives() {
        long[] shape = {1, 3, 112, 112};
        float[] faces = new float[3 * 112 * 112];
        Random random = new Random(7);
        for (int i = 0; i < faces.length; i++) {
            faces[i] = random.nextFloat() * 2 - 1;
        }
        InputBuffers buffers = new InputBuffers();
        try (OnnxModel feature = OnnxModel.open(FEATURE)) {
            FloatBuffer fresh = FloatInput.allocate(shape);
            fresh.put(faces).flip();
            float[] expected = feature.run(fresh, shape).data();

            FloatBuffer earlier = buffers.take(shape);
            while (earlier.hasRemaining()) {
                earlier.put(random.nextFloat());
            }
            buffers.release(earlier);
            FloatBuffer reused = buffers.take(shape);
            assertThat(reused).isSameAs(earlier);
            reused.put(faces).flip();

            assertThat(feature.run(reused, shape).data()).containsExactly(expected, within(1e-6f));
        }
    }

    @Test
    void zeroIntraOpThreadsMeansOnePerAvailableProcessor() {
        assertThat(InferenceOptions.defaults().effectiveIntraOpThreads())
                .isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(InferenceOptions.builder().intraOpThreads(3).build().effectiveIntraOpThreads())
                .isEqualTo(3);
    }
}
