package dev.likeness.bench;

import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import dev.likeness.cli.Likeness;
import dev.likeness.core.events.Requests;
import dev.likeness.core.kafka.Topics;
import dev.likeness.core.onnx.ModelsDirectory;
import dev.likeness.events.v1.ImageSubmitted;
import dev.likeness.events.v1.Purpose;
import dev.likeness.local.kafka.BrokerProcess;
import dev.likeness.local.kafka.LocalKafkaBroker;
import dev.likeness.local.kafka.StrimziManifests;
import picocli.CommandLine;

/**
 * {@code make bench}'s section on bulk publishing: {@code likeness publish FOLDER} (the CLI in this JVM, as a user
 * runs it) on a folder of 250 x 250 JPEGs to a local broker, against sending the same requests one at a time and
 * waiting for each acknowledgement (what the CLI did before it pipelined), alternated run by run. Usage:
 * PublishBench REPORT.md
 */
public final class PublishBench {

    static final int PHOTOS = 2_000;
    /** The one-at-a-time baseline is ~20x slower: fewer photos keep its runs short, and it is reported as a rate. */
    static final int BASELINE_PHOTOS = 200;

    static final int SIDE = 250;
    static final double GOAL_PER_SECOND = 2_000;

    private PublishBench() {}

    public static void main(String[] args) throws Exception {
        Path report = Path.of(args.length > 0 ? args[0] : "docs/benchmarks.md");
        Path work = Path.of("var/bench/publish").toAbsolutePath();
        MeshBench.deleteRecursively(work);
        List<Path> photos = tiles(ModelsDirectory.locate(), work.resolve("photos"));
        long folderBytes = 0;
        for (Path photo : photos) {
            folderBytes += Files.size(photo);
        }
        try (BrokerProcess broker = LocalKafkaBroker.start(work.resolve("kafka"), 0)) {
            Provenance provenance = Provenance.now();
            createImagesTopic(broker.bootstrapServers());
            Path folder = work.resolve("photos");
            List<byte[]> baselineImages = new ArrayList<>();
            for (Path photo : photos.subList(0, BASELINE_PHOTOS)) {
                baselineImages.add(Files.readAllBytes(photo));
            }
            Measurement[] measured = Measurement.interleaved(
                    EmbeddingBench.WARM_UP,
                    EmbeddingBench.RUNS,
                    () -> publish(folder, broker.bootstrapServers()),
                    () -> oneAtATime(baselineImages, broker.bootstrapServers()));
            Results.Publish result = new Results.Publish(
                    provenance,
                    PHOTOS,
                    BASELINE_PHOTOS,
                    SIDE,
                    folderBytes / 1024.0 / PHOTOS,
                    measured[0].per(PHOTOS),
                    measured[1].per(BASELINE_PHOTOS));
            Figures.put("publish.rate", 1 / result.pipelined().median());
            String md = BenchReport.publish(result);
            Report.writeSection(report, "publish", md);
            System.out.print(md);
        }
    }

    private static void publish(Path folder, String bootstrapServers) {
        StringWriter err = new StringWriter();
        CommandLine cli = Likeness.commandLine()
                .setOut(new PrintWriter(Writer.nullWriter()))
                .setErr(new PrintWriter(err));
        int exit = cli.execute("publish", folder.toString(), "--bootstrap-servers", bootstrapServers);
        if (exit != 0) {
            throw new IllegalStateException("likeness publish exited with " + exit + ": " + err);
        }
    }

    private static void oneAtATime(List<byte[]> images, String bootstrapServers) throws Exception {
        Properties properties = new Properties();
        properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        properties.put(ProducerConfig.ACKS_CONFIG, "all");
        properties.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, String.valueOf(LocalKafkaBroker.MAX_MESSAGE_BYTES));
        try (KafkaProducer<String, byte[]> producer =
                new KafkaProducer<>(properties, new StringSerializer(), new ByteArraySerializer())) {
            Purpose identify = Purpose.newBuilder()
                    .setIdentify(Purpose.Identify.getDefaultInstance())
                    .build();
            for (int i = 0; i < images.size(); i++) {
                String key = "baseline-" + System.nanoTime() + "-" + i;
                ImageSubmitted event =
                        Requests.imageSubmitted(key, Requests.inlineImage(images.get(i), "image/jpeg"), identify);
                producer.send(MeshBench.Mesh.record(key, event)).get(30, TimeUnit.SECONDS);
            }
        }
    }

    /** 250 x 250 crops of the sample photos at shifting offsets, as JPEG files. */
    private static List<Path> tiles(Path models, Path folder) throws Exception {
        Files.createDirectories(folder);
        List<BufferedImage> samples = new ArrayList<>();
        for (int sample = 1; sample <= 6; sample++) {
            samples.add(ImageIO.read(
                    models.resolve("samples/sample" + sample + ".jpg").toFile()));
        }
        List<Path> tiles = new ArrayList<>();
        for (int i = 0; i < PHOTOS; i++) {
            BufferedImage sample = samples.get(i % samples.size());
            int x = (i * 37) % (sample.getWidth() - SIDE);
            int y = (i * 53) % (sample.getHeight() - SIDE);
            Path tile = folder.resolve(String.format(Locale.ROOT, "photo-%05d.jpg", i));
            Files.write(tile, EmbeddingBench.jpeg(sample.getSubimage(x, y, SIDE, SIDE)));
            tiles.add(tile);
        }
        return tiles;
    }

    private static void createImagesTopic(String bootstrapServers) throws Exception {
        NewTopic images = StrimziManifests.topics(Path.of("deploy/k8s/base/kafka/topics.yaml")).stream()
                .filter(topic -> topic.name().equals(Topics.IMAGES))
                .findFirst()
                .orElseThrow();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            admin.createTopics(List.of(images)).all().get(30, TimeUnit.SECONDS);
        }
    }
}
