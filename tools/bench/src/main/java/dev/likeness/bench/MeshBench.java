package dev.likeness.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import com.google.protobuf.Message;
import dev.likeness.core.events.Requests;
import dev.likeness.core.kafka.CloudEventHeaders;
import dev.likeness.core.kafka.EventTypes;
import dev.likeness.core.kafka.Topics;
import dev.likeness.core.onnx.ModelsDirectory;
import dev.likeness.events.v1.ImageSubmitted;
import dev.likeness.events.v1.MatchResult;
import dev.likeness.events.v1.Purpose;
import dev.likeness.face.FaceNetworks;
import dev.likeness.face.FacePipeline;
import dev.likeness.face.FacePipelineConfig;
import dev.likeness.local.kafka.BrokerProcess;
import dev.likeness.local.kafka.LocalKafkaBroker;
import dev.likeness.testing.ServiceProcess;

/**
 * Section 3 of {@code make bench}: images through the mesh (a real KRaft broker from Kafka's jars, the
 * embedding and matching services from their built jars, each its own process) against the in-process
 * pipeline on the same images in the same run. Throughput: bursts of identify requests published as fast as
 * the producer sends them, timed to the last FacesEmbedded and the last MatchResult. Latency: publish ->
 * FacesEmbedded and publish -> MatchResult at a steady rate below that throughput. Usage: MeshBench REPORT.md
 */
public final class MeshBench {

    static final int ROUNDS = 9;
    /**
     * Warm-up bursts per workload at least, before any is measured: after one, the services' JIT compilers took a
     * fifth to a half of their CPU in the measured bursts (JFR's jdk.ThreadCPULoad), which the in-process side,
     * already hot from the same code, does not pay.
     */
    static final int WARM_UP_BURSTS = 3;
    /** More warm-up bursts while the JIT compilers take more than this share of the mesh's CPU in a burst... */
    static final double WARM_JIT_SHARE = 0.10;
    /** ...for at most this long per workload. */
    static final Duration WARM_UP_LIMIT = Duration.ofSeconds(30);
    /**
     * Steady load as a share of the burst throughput to FacesEmbedded: requests arriving one by one are served
     * in smaller batches than a burst, so the service saturates below its burst throughput.
     */
    static final double STEADY_SHARE = 0.5;

    static final Duration STEADY = Duration.ofSeconds(20);
    static final Duration WAIT = Duration.ofSeconds(180);

    private MeshBench() {}

    public static void main(String[] args) throws Exception {
        Path report = Path.of(args.length > 0 ? args[0] : "docs/benchmarks.md");
        Path charts = report.toAbsolutePath().getParent().resolve("images");
        Path models = ModelsDirectory.locate().toAbsolutePath();
        // The in-process pipeline embeds with the model the embedding service emits by default: like for like.
        FacePipelineConfig config = FacePipelineConfig.defaults(models, FaceNetworks.DEFAULT);
        List<EmbeddingBench.Workload> workloads = EmbeddingBench.workloads(config, models);
        Path work = Path.of("var/bench/mesh").toAbsolutePath();
        deleteRecursively(work);
        Provenance provenance = Provenance.now();
        Results.Mesh result;
        try (BrokerProcess broker = LocalKafkaBroker.start(work.resolve("kafka"), 0);
                ServiceProcess embedding = service("embedding", broker, models, work);
                ServiceProcess matching = service("matching", broker, models, work);
                Mesh mesh = new Mesh(broker.bootstrapServers());
                FacePipeline pipeline = FacePipeline.open(config)) {
            mesh.enrol(workloads.get(0).images());
            List<Results.MeshWarmUp> warmUps = new ArrayList<>();
            for (EmbeddingBench.Workload workload : workloads) {
                WarmUp meshWarmUp = warmUp(
                        WARM_UP_BURSTS,
                        BenchReport.MESH_PROCESSES,
                        run -> mesh.burst("warm-" + workload.name() + "-" + run, burst(workload)));
                // The same for the in-process side: its compile queue would otherwise drain into the mesh's bursts.
                WarmUp inProcessWarmUp =
                        warmUp(1, List.of("client"), run -> EmbeddingBench.runPipeline(pipeline, burst(workload), 8));
                warmUps.add(new Results.MeshWarmUp(
                        meshWarmUp.runs(), meshWarmUp.jitShare(), inProcessWarmUp.runs(), inProcessWarmUp.jitShare()));
            }
            Optional<String> noProfile = Profiles.unavailableHere();
            if (noProfile.isEmpty()) {
                Profiles.startIn(embedding.pid(), work);
            }
            int run = 0;
            List<Results.MeshWorkload> measured = new ArrayList<>();
            for (int w = 0; w < workloads.size(); w++) {
                EmbeddingBench.Workload workload = workloads.get(w);
                List<byte[]> burst = burst(workload);
                Map<String, Double> stagesBefore = stageCounts(embedding);
                List<double[]> meshRuns = new ArrayList<>();
                List<Measurement> inProcess = new ArrayList<>();
                Map<String, Double> meshCpu = new java.util.TreeMap<>();
                double inProcessCpu = 0;
                double inProcessJit = 0;
                for (int round = 0; round < ROUNDS; round++) {
                    Map<String, Double> before = cpuSeconds();
                    meshRuns.add(mesh.burst("burst-" + workload.name() + "-" + run++, burst));
                    // Clamped: HotSpot stops idle compiler threads, and their time leaves the sum with them.
                    cpuSeconds()
                            .forEach((name, seconds) -> meshCpu.merge(
                                    name, Math.max(0, seconds - before.getOrDefault(name, 0.0)), Double::sum));
                    Map<String, Double> self = cpuSeconds();
                    inProcess.add(Measurement.of(0, 1, () -> EmbeddingBench.runPipeline(pipeline, burst, 8)));
                    Map<String, Double> selfAfter = cpuSeconds();
                    inProcessCpu += selfAfter.get("client") - self.get("client");
                    inProcessJit += Math.max(0, selfAfter.get("client.jit") - self.get("client.jit"));
                }
                Map<String, Double> stagesAfter = stageCounts(embedding);
                double requests = (double) ROUNDS * burst.size();
                Map<String, Double> cpuPerRequest = new LinkedHashMap<>();
                Map<String, Double> jitPerRequest = new LinkedHashMap<>();
                for (String name : BenchReport.MESH_PROCESSES) {
                    cpuPerRequest.put(name, meshCpu.getOrDefault(name, 0.0) / requests);
                    jitPerRequest.put(name, meshCpu.getOrDefault(name + ".jit", 0.0) / requests);
                }
                Measurement toFaces = Measurement.ofSeconds(
                                meshRuns.stream().mapToDouble(r -> r[0]).toArray())
                        .per(burst.size());
                Measurement toMatches = Measurement.ofSeconds(
                                meshRuns.stream().mapToDouble(r -> r[1]).toArray())
                        .per(burst.size());
                Measurement local = Measurement.merged(inProcess).per(burst.size());
                Figures.put("mesh." + workload.name() + ".ratio", local.median() / toFaces.median());
                Figures.put("mesh." + workload.name() + ".match.ratio", local.median() / toMatches.median());

                double rate = STEADY_SHARE / toFaces.median();
                Mesh.Latencies steady = mesh.steady("steady-" + workload.name(), workload.images(), rate, STEADY);
                Measurement single = Measurement.of(
                        1, EmbeddingBench.RUNS * workload.images().size(), new OneByOne(pipeline, workload.images()));
                measured.add(new Results.MeshWorkload(
                        workload.name(),
                        workload.label(),
                        warmUps.get(w),
                        burst.size(),
                        local,
                        toFaces,
                        toMatches,
                        inProcessCpu / requests,
                        inProcessJit / requests,
                        cpuPerRequest,
                        jitPerRequest,
                        perCall(stagesBefore, stagesAfter, "detect"),
                        perCall(stagesBefore, stagesAfter, "embed"),
                        rate,
                        steady.toFaces(),
                        steady.toMatches(),
                        single));
            }
            Optional<Profiles.Summary> profile = Optional.empty();
            if (noProfile.isEmpty()) {
                profile = Optional.of(Profiles.stopIn(embedding.pid(), work, work.resolve("embedding.collapsed")));
                Figures.put("mesh.profile", profile.get().headline(4));
            }
            result = new Results.Mesh(provenance, measured, profile, noProfile);
        }
        Report.writeSection(report, "mesh", BenchReport.mesh(result, charts));
    }

    /** Each image of the set through the pipeline alone, one per measured run (cycling). */
    private static final class OneByOne implements Measurement.Body {
        private final FacePipeline pipeline;
        private final List<byte[]> images;
        private int next;

        OneByOne(FacePipeline pipeline, List<byte[]> images) {
            this.pipeline = pipeline;
            this.images = images;
        }

        @Override
        public void run() throws Exception {
            EmbeddingBench.runPipeline(pipeline, List.of(images.get(next++ % images.size())), 1);
        }
    }

    /** How a warm-up ended: the runs it took, and the JIT compiler threads' share of the CPU in the last one. */
    private record WarmUp(int runs, double jitShare) {}

    /** One warm-up run; {@code index} counts from 0. */
    private interface WarmUpRun {
        void run(int index) throws Exception;
    }

    /**
     * Runs {@code run} at least {@code minimum} times, then again while the JIT compiler threads of
     * {@code processes} (names as in {@link #cpuSeconds}) take more than {@link #WARM_JIT_SHARE} of their CPU in
     * a run, for at most {@link #WARM_UP_LIMIT}.
     */
    private static WarmUp warmUp(int minimum, List<String> processes, WarmUpRun run) throws Exception {
        long until = System.nanoTime() + WARM_UP_LIMIT.toNanos();
        double jitShare = 1;
        int runs = 0;
        while (runs < minimum || (jitShare > WARM_JIT_SHARE && System.nanoTime() < until)) {
            Map<String, Double> before = cpuSeconds();
            run.run(runs++);
            Map<String, Double> after = cpuSeconds();
            double all = 0;
            double jit = 0;
            for (String name : processes) {
                all += after.getOrDefault(name, 0.0) - before.getOrDefault(name, 0.0);
                jit += Math.max(0, after.getOrDefault(name + ".jit", 0.0) - before.getOrDefault(name + ".jit", 0.0));
            }
            jitShare = jit / all;
        }
        return new WarmUp(runs, jitShare);
    }

    private static List<byte[]> burst(EmbeddingBench.Workload workload) {
        return repeat(workload.images(), workload.name().equals("group") ? 24 : 96);
    }

    /** The embedding service's items and calls so far per pipeline stage ("detect.items", "detect.calls", ...). */
    private static Map<String, Double> stageCounts(ServiceProcess embedding)
            throws java.io.IOException, InterruptedException {
        Map<String, Double> counts = new HashMap<>();
        java.util.regex.Pattern line = java.util.regex.Pattern.compile(
                "likeness_embedding_stage_(items_total|seconds_count)\\{.*stage=\"(\\w+)\".*} ([0-9.E+-]+)");
        for (String text : embedding.get("/q/metrics").split("\n")) {
            java.util.regex.Matcher m = line.matcher(text);
            if (m.matches()) {
                counts.put(
                        m.group(2) + (m.group(1).startsWith("items") ? ".items" : ".calls"),
                        Double.parseDouble(m.group(3)));
            }
        }
        return counts;
    }

    private static double perCall(Map<String, Double> before, Map<String, Double> after, String stage) {
        double items = after.getOrDefault(stage + ".items", 0.0) - before.getOrDefault(stage + ".items", 0.0);
        double calls = after.getOrDefault(stage + ".calls", 0.0) - before.getOrDefault(stage + ".calls", 0.0);
        return calls == 0 ? 0 : items / calls;
    }

    private static ServiceProcess service(String name, BrokerProcess broker, Path models, Path work)
            throws java.io.IOException {
        // A copy of the built application: another build on a shared machine may rewrite target/ meanwhile.
        Path app = work.resolve(name + "-app");
        copyRecursively(ServiceProcess.jarOf(Path.of("services", name)).getParent(), app);
        ServiceProcess.Builder builder = ServiceProcess.builder(name, app.resolve("quarkus-run.jar"))
                .env("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers())
                .env("LIKENESS_MODELS_DIR", models.toString())
                // Matching's gallery snapshots with this run's broker, never another run's.
                .env(
                        "LIKENESS_MATCHING_GALLERY_SNAPSHOT_DIRECTORY",
                        work.resolve("gallery-snapshots").toString());
        if (name.equals("embedding")) {
            // As its image's entrypoint runs it (services/embedding/pom.xml).
            builder.jvmOption("-XX:G1HeapRegionSize=8m");
        }
        settings(name).forEach(builder::env);
        return builder.logFile(work.resolve(name + ".log"))
                .readyTimeout(Duration.ofSeconds(240))
                .start();
    }

    /**
     * One service's settings for a run that measures them, from {@code -Dmesh.<service>.env=NAME=VALUE,...}
     * (environment variables, e.g. {@code MP_MESSAGING_INCOMING_IMAGES_MAX_POLL_RECORDS=8} for embedding alone: the
     * other service would fail on a channel it does not have).
     */
    static Map<String, String> settings(String service) {
        Map<String, String> settings = new LinkedHashMap<>();
        for (String setting : System.getProperty("mesh." + service + ".env", "").split(",")) {
            if (!setting.isBlank()) {
                int equals = setting.indexOf('=');
                if (equals < 1) {
                    throw new IllegalArgumentException("mesh." + service + ".env: NAME=VALUE expected, got " + setting);
                }
                settings.put(
                        setting.substring(0, equals).trim(),
                        setting.substring(equals + 1).trim());
            }
        }
        return settings;
    }

    /**
     * CPU seconds so far of this JVM ("client") and of its child processes (the broker and the services), and of
     * their JIT compiler threads ("client.jit", ...): a service that has answered only a few hundred requests is
     * still compiling, which a long-running one is not.
     */
    static Map<String, Double> cpuSeconds() {
        Map<String, Double> seconds = new HashMap<>();
        seconds.put("client", cpu(ProcessHandle.current()));
        seconds.put("client.jit", compilerSeconds(ProcessHandle.current().pid()));
        ProcessHandle.current().children().forEach(child -> {
            String command = child.info().commandLine().orElse("");
            // The broker: the only child run with C1 alone (its command line is too long to read to the end).
            String name = command.contains("-XX:TieredStopAtLevel=1")
                    ? "broker"
                    : command.contains("embedding-app")
                            ? "embedding"
                            : command.contains("matching-app") ? "matching" : null;
            if (name != null) {
                seconds.merge(name, cpu(child), Double::sum);
                seconds.merge(name + ".jit", compilerSeconds(child.pid()), Double::sum);
            }
        });
        return seconds;
    }

    /** CPU seconds of the HotSpot compiler threads ("C1 CompilerThre", "C2 CompilerThre") of a process on Linux. */
    private static double compilerSeconds(long pid) {
        double ticks = 0;
        try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path task : tasks.toList()) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    String comm = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    if (comm.contains("CompilerThre")) {
                        String[] fields =
                                stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                        // utime and stime, fields 14 and 15 of proc(5), in clock ticks (USER_HZ, 100 on Linux).
                        ticks += Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
                    }
                } catch (java.io.IOException | RuntimeException threadGone) {
                    // A compiler thread that exited meanwhile: its time is lost to the sum, a few ticks at most.
                }
            }
        } catch (java.io.IOException noProc) {
            return 0;
        }
        return ticks / 100;
    }

    private static double cpu(ProcessHandle process) {
        return process.info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(0.0);
    }

    private static List<byte[]> repeat(List<byte[]> images, int count) {
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(images.get(i % images.size()));
        }
        return out;
    }

    /** A producer of ImageSubmitted and a consumer of both result topics that notes when each key arrives. */
    static final class Mesh implements AutoCloseable {
        private final KafkaProducer<String, byte[]> producer;
        private final KafkaConsumer<String, byte[]> consumer;
        private final Map<String, Long> faces = new ConcurrentHashMap<>();
        private final Map<String, Long> matches = new ConcurrentHashMap<>();
        private final Map<String, String> errors = new ConcurrentHashMap<>();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread poller;

        Mesh(String bootstrapServers) throws InterruptedException {
            Properties producerProps = new Properties();
            producerProps.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
            producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
            producerProps.put(ProducerConfig.LINGER_MS_CONFIG, "0");
            producerProps.put(
                    ProducerConfig.MAX_REQUEST_SIZE_CONFIG, String.valueOf(LocalKafkaBroker.MAX_MESSAGE_BYTES));
            producer = new KafkaProducer<>(producerProps, new StringSerializer(), new ByteArraySerializer());
            Properties consumerProps = new Properties();
            consumerProps.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
            consumerProps.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
            consumerProps.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "50");
            // What a client sees: the services write results in transactions.
            consumerProps.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            consumer = new KafkaConsumer<>(consumerProps, new StringDeserializer(), new ByteArrayDeserializer());
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : List.of(Topics.FACES, Topics.MATCHES)) {
                partitions.addAll(partitionsOf(topic));
            }
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position);
            poller = new Thread(this::poll, "mesh-bench-results");
            poller.start();
        }

        private List<TopicPartition> partitionsOf(String topic) throws InterruptedException {
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (System.nanoTime() < deadline) {
                List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(5));
                if (infos != null && !infos.isEmpty()) {
                    return infos.stream()
                            .map(i -> new TopicPartition(topic, i.partition()))
                            .toList();
                }
                Thread.sleep(500);
            }
            throw new IllegalStateException("topic " + topic + " was not created by the services");
        }

        private void poll() {
            while (running.get()) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(20))) {
                    long now = System.nanoTime();
                    if (record.topic().equals(Topics.FACES)) {
                        faces.putIfAbsent(record.key(), now);
                    } else {
                        matches.putIfAbsent(record.key(), now);
                        noteError(record);
                    }
                }
            }
        }

        private void noteError(ConsumerRecord<String, byte[]> record) {
            try {
                MatchResult result = MatchResult.parseFrom(record.value());
                if (result.hasError()) {
                    errors.put(record.key(), result.getError().toString());
                }
            } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                errors.put(record.key(), "unparsable MatchResult");
            }
        }

        void enrol(List<byte[]> images) throws InterruptedException {
            List<String> keys = new ArrayList<>();
            for (int i = 0; i < images.size(); i++) {
                String key = "enrol-" + i;
                keys.add(key);
                Purpose purpose = Purpose.newBuilder()
                        .setEnrol(Purpose.Enrol.newBuilder()
                                .setIdentityId("bench-person-" + i)
                                .setDisplayName("Bench person " + i))
                        .build();
                send(key, images.get(i), purpose);
            }
            awaitAll(keys, matches);
            for (String key : keys) {
                if (errors.containsKey(key)) {
                    throw new IllegalStateException("enrolment " + key + " failed: " + errors.get(key));
                }
            }
        }

        /** Publishes every image at once; returns seconds from the first publish to the last FacesEmbedded and MatchResult. */
        double[] burst(String prefix, List<byte[]> images) throws InterruptedException {
            List<String> keys = new ArrayList<>();
            Map<String, Long> sent = new HashMap<>();
            long start = System.nanoTime();
            for (int i = 0; i < images.size(); i++) {
                String key = prefix + "-" + i;
                keys.add(key);
                sent.put(key, System.nanoTime());
                send(key, images.get(i), identify());
            }
            awaitAll(keys, faces);
            awaitAll(keys, matches);
            long lastFaces = keys.stream().mapToLong(faces::get).max().orElseThrow();
            long lastMatch = keys.stream().mapToLong(matches::get).max().orElseThrow();
            return new double[] {(lastFaces - start) / 1e9, (lastMatch - start) / 1e9};
        }

        record Latencies(Measurement toFaces, Measurement toMatches) {}

        /** Publishes the images in turn at {@code rate} per second for {@code duration}; latency of each request. */
        Latencies steady(String prefix, List<byte[]> images, double rate, Duration duration)
                throws InterruptedException {
            int count = (int) Math.max(10, rate * duration.toSeconds());
            long interval = (long) (1e9 / rate);
            long start = System.nanoTime();
            Map<String, Long> sent = new HashMap<>();
            for (int i = 0; i < count; i++) {
                long due = start + i * interval;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                String key = prefix + "-" + i;
                sent.put(key, System.nanoTime());
                send(key, images.get(i % images.size()), identify());
            }
            List<String> keys = new ArrayList<>(sent.keySet());
            awaitAll(keys, faces);
            awaitAll(keys, matches);
            return new Latencies(
                    Measurement.ofSeconds(keys.stream()
                            .mapToDouble(k -> (faces.get(k) - sent.get(k)) / 1e9)
                            .toArray()),
                    Measurement.ofSeconds(keys.stream()
                            .mapToDouble(k -> (matches.get(k) - sent.get(k)) / 1e9)
                            .toArray()));
        }

        private static Purpose identify() {
            return Purpose.newBuilder()
                    .setIdentify(Purpose.Identify.getDefaultInstance())
                    .build();
        }

        private void send(String key, byte[] image, Purpose purpose) {
            ImageSubmitted event = Requests.imageSubmitted(key, Requests.inlineImage(image, "image/jpeg"), purpose);
            producer.send(record(key, event), (metadata, error) -> {
                if (error != null) {
                    errors.put(key, "publish failed: " + error);
                }
            });
        }

        /** A record in CloudEvents binary mode, as the services expect it. */
        static ProducerRecord<String, byte[]> record(String key, Message event) {
            ProducerRecord<String, byte[]> record = new ProducerRecord<>(Topics.IMAGES, key, event.toByteArray());
            Headers headers = record.headers();
            headers.add(CloudEventHeaders.SPEC_VERSION, "1.0".getBytes(UTF_8));
            headers.add(CloudEventHeaders.ID, EventTypes.idOf(key, event).getBytes(UTF_8));
            headers.add(CloudEventHeaders.TYPE, EventTypes.typeOf(event).getBytes(UTF_8));
            headers.add(CloudEventHeaders.SOURCE, "/likeness/bench".getBytes(UTF_8));
            headers.add(CloudEventHeaders.TIME, Instant.now().toString().getBytes(UTF_8));
            headers.add(CloudEventHeaders.CONTENT_TYPE, EventTypes.PROTOBUF_CONTENT_TYPE.getBytes(UTF_8));
            return record;
        }

        private void awaitAll(List<String> keys, Map<String, Long> arrived) throws InterruptedException {
            producer.flush();
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (!arrived.keySet().containsAll(keys)) {
                for (String key : keys) {
                    if (errors.containsKey(key) && errors.get(key).startsWith("publish failed")) {
                        throw new IllegalStateException(key + ": " + errors.get(key));
                    }
                }
                if (System.nanoTime() > deadline) {
                    long missing =
                            keys.stream().filter(k -> !arrived.containsKey(k)).count();
                    throw new IllegalStateException(missing + " of " + keys.size() + " results did not arrive within "
                            + WAIT + " (see var/bench/mesh/*.log and the dead-letter topics)");
                }
                Thread.sleep(2);
            }
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            poller.join(5_000);
            consumer.close();
            producer.close();
        }
    }

    private static void copyRecursively(Path from, Path to) throws java.io.IOException {
        try (var paths = Files.walk(from)) {
            for (Path path : paths.toList()) {
                Path target = to.resolve(from.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(path, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    static void deleteRecursively(Path dir) throws java.io.IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
