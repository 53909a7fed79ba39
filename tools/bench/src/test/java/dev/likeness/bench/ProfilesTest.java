package dev.likeness.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CPU-time profiles of `make bench`: async-profiler's stacks, in this JVM and loaded into another. */
class ProfilesTest {

    @TempDir
    Path dir;

    @Test
    void stacksAreSortedIntoJavaNativeByCallerAndThreadsWithoutJava() throws Exception {
        Path stacks = Files.writeString(
                dir.resolve("stacks.collapsed"),
                String.join(
                        "\n",
                        "java/lang/Thread.run_[j];dev/likeness/face/Aligner.warp_[j] 30",
                        "java/lang/Thread.run_[j];dev/likeness/face/Aligner.warp_[j];dev/likeness/face/Aligner.sample_[0] 5",
                        "java/lang/Thread.run_[j];ai/onnxruntime/OrtSession.run_[j];/tmp/ort/libonnxruntime.so 40",
                        "java/lang/Thread.run_[i];com/sun/imageio/plugins/jpeg/JPEGImageReader.readImage_[i];"
                                + "Java_com_sun_imageio_plugins_jpeg_JPEGImageReader_readImage;decode_mcu 10",
                        "/tmp/ort/libonnxruntime.so 12",
                        "start_thread;thread_native_entry;Thread::call_run;JavaThread::thread_main_inner;"
                                + "CompileBroker::compiler_thread_loop;C2Compiler::compile_method 2",
                        "start_thread;thread_native_entry;Thread::call_run;GangWorker::run;G1ParTask::work 1",
                        ""));

        Profiles.Summary summary = Profiles.summarise(stacks);

        assertThat(summary.samples()).isEqualTo(100);
        assertThat(summary.javaTop())
                .isEqualTo(Map.of("dev.likeness.face.Aligner.warp", 30, "dev.likeness.face.Aligner.sample", 5));
        assertThat(summary.nativeTop())
                .isEqualTo(Map.of(
                        "ai.onnxruntime.OrtSession.run",
                        40,
                        "com.sun.imageio.plugins.jpeg.JPEGImageReader.readImage",
                        10));
        assertThat(summary.withoutJava())
                .isEqualTo(Map.of("ONNX Runtime's own threads", 12, "JIT compilers", 2, "garbage collector", 1));
        assertThat(summary.headline(3))
                .isEqualTo("40% `ai.onnxruntime.OrtSession.run` (native), "
                        + "30% `dev.likeness.face.Aligner.warp` (Java), 12% ONNX Runtime's own threads");
        assertThat(summary.markdown(1))
                .isEqualTo("| samples | share of CPU | what |\n|---|---|---|\n"
                        + "| 30 | 30.0% | running Java: `dev.likeness.face.Aligner.warp` |\n"
                        + "| 40 | 40.0% | in native or JVM code, called from: `ai.onnxruntime.OrtSession.run` |\n"
                        + "| 12 | 12.0% | no Java frame: ONNX Runtime's own threads |\n");
    }

    @Test
    void workInThisJvmIsSampledByTheCpuItUses() throws Exception {
        assumeTrue(
                Profiles.unavailableHere().isEmpty(),
                () -> Profiles.unavailableHere().get());
        Profiles.Summary summary = Profiles.record(dir.resolve("here.collapsed"), () -> Spinner.spin(1_000));

        assertThat(summary.samples()).isGreaterThan(20);
        assertThat(inSpin(summary)).isGreaterThan(summary.samples() / 2);
    }

    @Test
    void anotherJvmIsProfiledThroughJcmdWithoutRestartingIt() throws Exception {
        assumeTrue(
                Profiles.unavailableHere().isEmpty(),
                () -> Profiles.unavailableHere().get());
        // Standard error is left out: the JVM may print notes there (JAVA_TOOL_OPTIONS) before "spinning".
        Process busy = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        Spinner.class.getName())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        try {
            assertThat(new String(busy.getInputStream().readNBytes("spinning\n".length())))
                    .isEqualTo("spinning\n");
            Profiles.startIn(busy.pid(), dir);
            awaitCpu(busy, Duration.ofMillis(1_500));
            Profiles.Summary summary = Profiles.stopIn(busy.pid(), dir, dir.resolve("there.collapsed"));

            assertThat(summary.samples()).isGreaterThan(30);
            assertThat(inSpin(summary)).isGreaterThan(summary.samples() / 2);
            assertThat(Files.readAllLines(dir.resolve("there.collapsed"))).isNotEmpty();
        } finally {
            busy.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** Waits until the process has used {@code cpu} more CPU time: on a loaded machine that takes longer. */
    private static void awaitCpu(Process process, Duration cpu) throws InterruptedException {
        Duration start = process.info().totalCpuDuration().orElseThrow();
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (process.info().totalCpuDuration().orElseThrow().minus(start).compareTo(cpu) < 0) {
            assertThat(System.nanoTime()).as("%s of CPU within a minute", cpu).isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    /** Samples in the spinner's Java code or in what it calls natively (the clock). */
    private static int inSpin(Profiles.Summary summary) {
        String spin = Spinner.class.getName() + ".spin";
        return summary.javaTop().getOrDefault(spin, 0) + summary.nativeTop().getOrDefault(spin, 0);
    }

    /** Burns CPU in one recognisable method, for this much of its thread's CPU time; as a main, for a minute. */
    static final class Spinner {

        static volatile double sink;

        public static void main(String[] args) {
            System.out.println("spinning");
            System.out.flush();
            spin(60_000);
        }

        static void spin(long cpuMillis) {
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            long end = threads.getCurrentThreadCpuTime() + cpuMillis * 1_000_000;
            double x = 1;
            while (threads.getCurrentThreadCpuTime() < end) {
                for (int i = 0; i < 10_000; i++) {
                    x = Math.sqrt(x + i);
                }
                sink = x;
            }
        }

        private Spinner() {}
    }
}
