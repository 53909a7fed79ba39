package dev.likeness.images;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What every image tarball under target/images/ must be: `make test` builds the embedding image
 * (deploy/images/pom.xml), `make images` all of them, and each one present is checked.
 */
@Tag("images")
class ImageConfigTest {

    static final Path ROOT = ImageArchive.DIRECTORY.getParent().getParent();

    static List<Path> images() {
        return ImageArchive.built();
    }

    /** "likeness/embedding:0.1.0" -> "embedding". */
    static String name(ImageArchive image) {
        return image.repoTag.replaceFirst("^likeness/", "").replaceFirst(":.*$", "");
    }

    @Test
    void theBuildOfThisModuleWroteTheEmbeddingImage() {
        assertThat(images()).extracting(path -> path.getFileName().toString()).contains("embedding-0.1.0.tar");
    }

    @ParameterizedTest
    @MethodSource("images")
    void runsAsTheNonRootUserOfTheBase(Path tarball) {
        ImageArchive image = ImageArchive.of(tarball);
        String user = image.runtime().path("User").asText();
        // Numeric uid:gid, so Kubernetes can verify runAsNonRoot without reading /etc/passwd.
        assertThat(user).as("User of %s", image).matches("[0-9]+:[0-9]+");
        long uid = Long.parseLong(user.split(":")[0]);
        assertThat(uid).as("uid of %s", image).isNotZero();
        assertThat(image.etcFile("etc/passwd"))
                .as("/etc/passwd of %s", image)
                .containsPattern("(?m)^[a-z]+:x:" + uid + ":" + user.split(":")[1] + ":");
    }

    @ParameterizedTest
    @MethodSource("images")
    void isALinuxAmd64ImageWithAJava17RuntimeOnThePath(Path tarball) {
        ImageArchive image = ImageArchive.of(tarball);
        assertThat(image.config.path("os").asText()).isEqualTo("linux");
        assertThat(image.config.path("architecture").asText()).isEqualTo("amd64");
        Map<String, String> environment = image.environment();
        String javaHome = environment.get("JAVA_HOME");
        assertThat(environment.get("PATH")).startsWith(javaHome + "/bin:");
        List<String> paths =
                image.entries().stream().map(ImageArchive.Entry::path).toList();
        assertThat(paths)
                .contains(
                        javaHome.substring(1) + "/bin/java",
                        javaHome.substring(1) + "/lib/server/libjvm.so",
                        // what ONNX Runtime's native library links against
                        "lib/x86_64-linux-gnu/libc.so.6",
                        "usr/lib/x86_64-linux-gnu/libstdc++.so.6",
                        "lib/x86_64-linux-gnu/libgcc_s.so.1",
                        "lib64/ld-linux-x86-64.so.2");
    }

    @ParameterizedTest
    @MethodSource("images")
    void sizesTheHeapFromTheContainerMemoryInAVariableAConfigMapCanOverride(Path tarball) {
        ImageArchive image = ImageArchive.of(tarball);
        assertThat(image.environment().get("JAVA_TOOL_OPTIONS")).contains("-XX:MaxRAMPercentage=75");
        assertThat(image.entrypoint())
                .contains("-XX:+ExitOnOutOfMemoryError")
                .noneMatch(argument -> argument.startsWith("-Xmx") || argument.contains("RAMPercentage"));
    }

    @ParameterizedTest
    @MethodSource("images")
    void runsThePipelineWithHeapRegionsThatHoldADecodedPhoto(Path tarball) {
        ImageArchive image = ImageArchive.of(tarball);
        // docs/embedding.md, "JVM settings": a decoded photo must not be a humongous object.
        if (name(image).equals("embedding")) {
            assertThat(image.entrypoint()).contains("-XX:G1HeapRegionSize=8m");
        } else {
            assertThat(image.entrypoint()).noneMatch(argument -> argument.contains("G1HeapRegionSize"));
        }
    }

    @ParameterizedTest
    @MethodSource("images")
    void hasNoModelsInside(Path tarball) {
        ImageArchive image = ImageArchive.of(tarball);
        assertThat(image.entries())
                .filteredOn(entry -> !entry.directory())
                .extracting(ImageArchive.Entry::path)
                .noneMatch(path -> path.startsWith("models/")
                        || path.endsWith(".onnx")
                        || path.endsWith(".onnx.data")
                        || path.endsWith(".tgz")
                        || path.matches(".*/group[0-9]+-shard[0-9]+of[0-9]+(\\.bin)?"));
    }

    @ParameterizedTest
    @MethodSource("images")
    void onlyRootOwnsFilesAndOnlyTmpIsWritableByOthers(Path tarball) {
        // The services never write into their image (the pods' root file system is read-only anyway).
        List<String> problems = new ArrayList<>();
        for (ImageArchive.Entry entry : ImageArchive.of(tarball).entries()) {
            boolean worldWritable = (entry.mode() & 0002) != 0 && entry.linkTarget() == null;
            if (entry.uid() != 0 || entry.gid() != 0) {
                problems.add(entry.path() + " owned by " + entry.uid() + ":" + entry.gid());
            } else if (worldWritable && !entry.path().equals("tmp/")) {
                problems.add(entry.path() + " is writable by anyone");
            }
        }
        assertThat(problems).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("images")
    void startsItsApplicationFromApp(Path tarball) throws IOException {
        ImageArchive image = ImageArchive.of(tarball);
        JsonNode runtime = image.runtime();
        assertThat(runtime.path("WorkingDir").asText()).isEqualTo("/app");
        List<String> paths =
                image.entries().stream().map(ImageArchive.Entry::path).toList();
        if (name(image).equals("onnx-tools")) {
            // The init containers name the tool's main class after this (deploy/k8s, docs/onnx-tools.md).
            assertThat(image.entrypoint())
                    .containsSubsequence("java", "-cp", "@/app/jib-classpath-file")
                    .last()
                    .isEqualTo("@/app/jib-classpath-file");
            assertThat(paths)
                    .contains("app/jib-classpath-file", "app/classes/dev/likeness/onnx/tools/MakeBatchVariants.class");
            assertThat(runtime.path("ExposedPorts").size()).isZero();
        } else {
            assertThat(image.entrypoint()).first().isEqualTo("java");
            assertThat(image.entrypoint())
                    .endsWith("-jar", "quarkus-run.jar")
                    .contains("-Djava.util.logging.manager=org.jboss.logmanager.LogManager");
            assertThat(paths).contains("app/quarkus-run.jar", "app/quarkus/quarkus-application.dat");
            // Models are mounted at the path the pods mount them (deploy/k8s), never baked in.
            assertThat(image.environment()).containsEntry("LIKENESS_MODELS_DIR", "/models");
            assertThat(runtime.path("ExposedPorts").properties())
                    .extracting(Map.Entry::getKey)
                    .containsExactly(httpPort(name(image)) + "/tcp");
        }
    }

    /** quarkus.http.port of services/NAME. */
    static int httpPort(String service) throws IOException {
        Properties properties = new Properties();
        properties.load(new StringReader(Files.readString(
                ROOT.resolve("services").resolve(service).resolve("src/main/resources/application.properties"))));
        return Integer.parseInt(properties.getProperty("quarkus.http.port"));
    }
}
