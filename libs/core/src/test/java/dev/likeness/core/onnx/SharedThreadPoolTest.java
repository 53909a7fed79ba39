package dev.likeness.core.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A process whose sessions share ONNX Runtime's global pool computes what per-session pools compute. The pool lives in
 * the process's only ONNX Runtime environment, so that side runs in a JVM of its own ({@link #main}).
 */
@Tag("models")
class SharedThreadPoolTest {

    private static final Path FEATURE = ModelsDirectory.resolve("face/fr_feature.onnx");
    private static final long[] FACE_SHAPE = {1, 3, 112, 112};

    @Test
    void sessionsOnTheSharedPoolComputeWhatTheirOwnPoolsCompute() throws Exception {
        float[] perSession;
        try (OnnxModel feature = OnnxModel.open(FEATURE)) {
            perSession = feature.run(faces(), FACE_SHAPE).data();
        }

        Process child = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-D" + ModelsDirectory.PROPERTY + "=" + ModelsDirectory.locate(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        SharedThreadPoolTest.class.getName())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        String output = new String(child.getInputStream().readAllBytes());
        assertThat(child.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(child.exitValue()).as("the shared-pool JVM's exit status").isZero();
        List<String> lines = output.lines().toList();

        assertThat(lines).contains("shared pool in use: true");
        float[] shared = parse(lines.get(lines.size() - 1));
        assertThat(shared).hasSameSizeAs(perSession);
        for (int i = 0; i < shared.length; i++) {
            assertThat(shared[i]).as("output %d", i).isCloseTo(perSession[i], offset(1e-5f));
        }
    }

    @Test
    void comesTooLateOnceAModelIsOpen() {
        try (OnnxModel feature = OnnxModel.open(FEATURE)) {
            assertThatThrownBy(() -> SharedThreadPool.use(0, 0))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("before any model is opened");
            assertThat(SharedThreadPool.inUse()).isFalse();
        }
    }

    /** The shared-pool side: sets up the pool, runs fr_feature on {@link #faces()}, prints the output last. */
    public static void main(String[] args) throws IOException {
        SharedThreadPool.use(0, 0);
        System.out.println("shared pool in use: " + SharedThreadPool.inUse());
        SharedThreadPool.use(0, 0); // a second call is harmless
        try (OnnxModel feature = OnnxModel.open(FEATURE)) {
            System.out.println(Arrays.toString(feature.run(faces(), FACE_SHAPE).data()));
        }
    }

    private static FloatBuffer faces() {
        Random random = new Random(7);
        FloatBuffer faces = FloatBuffer.allocate(3 * 112 * 112);
        while (faces.hasRemaining()) {
            faces.put(random.nextFloat() * 2 - 1);
        }
        return faces.flip();
    }

    private static float[] parse(String printed) {
        String[] values = printed.substring(1, printed.length() - 1).split(", ");
        float[] parsed = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            parsed[i] = Float.parseFloat(values[i]);
        }
        return parsed;
    }
}
