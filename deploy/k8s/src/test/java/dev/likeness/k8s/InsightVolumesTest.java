package dev.likeness.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;

/**
 * Insight results and the atlas corpus (docs/insight.md, "The mesh"): what stylising and embedding write, the
 * console reads at the same path from the same shared volume, and stylising's and embedding's corpus root is that
 * volume's corpus, fetched by an init container with deploy/corpus's own script and lists.
 */
class InsightVolumesTest {

    static final String CLAIM = "likeness-insight";

    /** The claim and subPath behind what a container mounts at a path, or an error naming what is missing. */
    record Mounted(String claim, String subPath, boolean readOnly) {

        static Mounted at(PodSpec pod, Container c, String path) {
            VolumeMount mount = c.getVolumeMounts().stream()
                    .filter(m -> m.getMountPath().equals(path))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError(c.getName() + " mounts nothing at " + path));
            Volume volume = pod.getVolumes().stream()
                    .filter(v -> v.getName().equals(mount.getName()))
                    .findFirst()
                    .orElseThrow();
            assertThat(volume.getPersistentVolumeClaim())
                    .as("%s at %s is a PersistentVolumeClaim", mount.getName(), path)
                    .isNotNull();
            return new Mounted(
                    volume.getPersistentVolumeClaim().getClaimName(),
                    mount.getSubPath(),
                    Boolean.TRUE.equals(mount.getReadOnly()));
        }
    }

    private static PodSpec pod(Manifests m, String app) {
        return m.deployment(app).getSpec().getTemplate().getSpec();
    }

    @ParameterizedTest
    @ValueSource(strings = {"cpu", "cuda"})
    void theConsoleReadsTheResultsEveryServiceWritesFromTheSharedVolumeAtTheSamePath(String overlay) {
        Manifests m = Manifests.of(overlay);
        PersistentVolumeClaim pvc = m.typed("PersistentVolumeClaim", PersistentVolumeClaim.class).stream()
                .filter(c -> c.getMetadata().getName().equals(CLAIM))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no PersistentVolumeClaim " + CLAIM));
        // Replicas on any node write, the console on another reads.
        assertThat(pvc.getSpec().getAccessModes()).containsExactly("ReadWriteMany");

        PodSpec console = pod(m, "likeness-console");
        List<String> consoleDirs = List.of(m.configMap("likeness-console")
                .getData()
                .get("LIKENESS_CONSOLE_INSIGHT_RESULTS_DIRS")
                .split(","));
        for (String service : List.of("stylising", "embedding")) {
            String dir = m.configMap("likeness-" + service)
                    .getData()
                    .get("LIKENESS_" + service.toUpperCase() + "_INSIGHT_RESULTS_DIR");
            assertThat(dir).as("%s's insight results dir", service).isNotNull().startsWith("/");
            PodSpec pod = pod(m, "likeness-" + service);
            Mounted written = Mounted.at(pod, pod.getContainers().get(0), dir);
            assertThat(written).isEqualTo(new Mounted(CLAIM, "results", false));
            // A result names its folder by the writer's path: the console must find it under the same one.
            assertThat(consoleDirs)
                    .as("the console reads %s's %s", service, dir)
                    .contains(dir);
            assertThat(Mounted.at(console, console.getContainers().get(0), dir))
                    .isEqualTo(new Mounted(CLAIM, "results", true));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"cpu", "cuda"})
    void theCorpusRootIsTheSharedCorpusAnInitContainerFetchesWithTheRepositorysScript(String overlay)
            throws IOException {
        Manifests m = Manifests.of(overlay);
        String root = m.configMap("likeness-stylising").getData().get("LIKENESS_STYLISING_INSIGHT_CORPUS_ROOT");
        assertThat(root).isNotNull().startsWith("/");
        PodSpec pod = pod(m, "likeness-stylising");
        assertThat(Mounted.at(pod, pod.getContainers().get(0), root)).isEqualTo(new Mounted(CLAIM, "corpus", true));
        // The face networks' atlases (embedding) read the same corpus at the same root.
        assertThat(m.configMap("likeness-embedding").getData().get("LIKENESS_EMBEDDING_INSIGHT_CORPUS_ROOT"))
                .isEqualTo(root);
        PodSpec embedding = pod(m, "likeness-embedding");
        assertThat(Mounted.at(embedding, embedding.getContainers().get(0), root))
                .isEqualTo(new Mounted(CLAIM, "corpus", true));

        Container fetch = pod.getInitContainers().stream()
                .filter(c -> c.getName().equals("fetch-corpus"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no init container fetch-corpus"));
        assertThat(Mounted.at(pod, fetch, root)).isEqualTo(new Mounted(CLAIM, "corpus", false));
        // apt-get download of Debian bookworm's pinned packages: the same release, with apt-get and dpkg-deb.
        assertThat(Files.readString(Manifests.ROOT.resolve("deploy/corpus/PACKAGES")))
                .contains("(bookworm)");
        assertThat(fetch.getImage()).isEqualTo("docker.io/library/debian:bookworm-slim");
        assertThat(fetch.getArgs()).containsExactly("full");

        // fetch.sh finds PACKAGES and SHA256SUMS at ../../deploy/corpus of itself: the ConfigMap is mounted so.
        VolumeMount scripts = fetch.getVolumeMounts().stream()
                .filter(v -> v.getName().equals("corpus-config"))
                .findFirst()
                .orElseThrow();
        assertThat(scripts.getMountPath()).endsWith("/deploy/corpus");
        assertThat(fetch.getCommand()).containsExactly("bash", scripts.getMountPath() + "/fetch-corpus.sh");
        Volume config = pod.getVolumes().stream()
                .filter(v -> v.getName().equals("corpus-config"))
                .findFirst()
                .orElseThrow();
        assertThat(config.getConfigMap().getName()).isEqualTo("likeness-corpus");
        ConfigMap corpus = m.configMap("likeness-corpus");
        for (String file : List.of("fetch.sh", "PACKAGES", "SHA256SUMS")) {
            assertThat(corpus.getData().get(file))
                    .as("deploy/corpus/%s (a link to deploy/k8s/base/corpus)", file)
                    .isEqualTo(Files.readString(
                            Manifests.ROOT.resolve("deploy/corpus").resolve(file)));
        }
        // The wrapper fetches into a folder under the corpus root, the name atlas requests give (docs/insight.md).
        assertThat(corpus.getData().get("fetch-corpus.sh")).contains("CORPUS=${CORPUS:-" + root + "/default}");
    }
}
