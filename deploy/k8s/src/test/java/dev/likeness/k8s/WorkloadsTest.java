package dev.likeness.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;

/** Deployments, Services, PodDisruptionBudgets and ConfigMaps of every service, in both overlays. */
class WorkloadsTest {

    /** A Deployment of a Quarkus service of services/. */
    record Workload(String service, int port) {
        String app() {
            return "likeness-" + service;
        }
    }

    /** The three services, and the console: it has no consumer group (no KEDA, no Kafka table row in Mesh). */
    static final List<Workload> WORKLOADS = Stream.concat(
                    Mesh.SERVICES.stream().map(s -> new Workload(s.service(), s.port())),
                    Stream.of(new Workload("console", 8084)))
            .toList();

    @ParameterizedTest
    @ValueSource(strings = {"cpu", "cuda"})
    void exactlyTheThreeServicesAndTheConsoleAreDeployed(String overlay) throws IOException {
        assertThat(Manifests.of(overlay).deployments())
                .extracting(d -> d.getMetadata().getName())
                .containsExactlyInAnyOrderElementsOf(
                        WORKLOADS.stream().map(Workload::app).toList());
        Workload console = WORKLOADS.get(WORKLOADS.size() - 1);
        assertThat(ServiceProperties.of("console").get("quarkus.http.port")).isEqualTo(String.valueOf(console.port()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"cpu", "cuda"})
    void everyServiceContainerHasAllThreeHealthProbesOnItsHttpPort(String overlay) {
        for (Workload s : WORKLOADS) {
            PodSpec pod = Manifests.of(overlay)
                    .deployment(s.app())
                    .getSpec()
                    .getTemplate()
                    .getSpec();
            assertThat(pod.getContainers()).hasSize(1);
            Container c = pod.getContainers().get(0);
            assertThat(c.getAdditionalProperties())
                    .as("unknown container fields of %s", s.app())
                    .isEmpty();
            assertThat(c.getPorts()).singleElement().satisfies(p -> {
                assertThat(p.getName()).isEqualTo("http");
                assertThat(p.getContainerPort()).isEqualTo(s.port());
            });
            assertProbe(c.getStartupProbe(), "/q/health/started", s);
            assertProbe(c.getLivenessProbe(), "/q/health/live", s);
            assertProbe(c.getReadinessProbe(), "/q/health/ready", s);
        }
    }

    private static void assertProbe(Probe probe, String path, Workload s) {
        assertThat(probe).as("%s probe %s", s.app(), path).isNotNull();
        assertThat(probe.getHttpGet().getPath()).isEqualTo(path);
        assertThat(probe.getHttpGet().getPort().getStrVal()).isEqualTo("http");
    }

    @ParameterizedTest
    @ValueSource(strings = {"cpu", "cuda"})
    void everyContainerHasRequestsAndLimitsAndALockedDownSecurityContext(String overlay) {
        for (Deployment d : Manifests.of(overlay).deployments()) {
            PodSpec pod = d.getSpec().getTemplate().getSpec();
            assertThat(pod.getAdditionalProperties())
                    .as("unknown pod fields of %s", d.getMetadata().getName())
                    .isEmpty();
            assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
            assertThat(pod.getAutomountServiceAccountToken()).isFalse();
            List<Container> all = new ArrayList<>(pod.getContainers());
            all.addAll(pod.getInitContainers());
            for (Container c : all) {
                String what = d.getMetadata().getName() + "/" + c.getName();
                Map<String, Quantity> requests = c.getResources().getRequests();
                Map<String, Quantity> limits = c.getResources().getLimits();
                assertThat(requests).as("requests of %s", what).containsKeys("cpu", "memory");
                assertThat(limits).as("limits of %s", what).containsKeys("cpu", "memory");
                for (String r : List.of("cpu", "memory")) {
                    assertThat(Quantity.getAmountInBytes(limits.get(r)))
                            .as("%s limit >= request of %s", r, what)
                            .isGreaterThanOrEqualTo(Quantity.getAmountInBytes(requests.get(r)));
                }
                SecurityContext sc = c.getSecurityContext();
                assertThat(sc).as("securityContext of %s", what).isNotNull();
                assertThat(sc.getRunAsNonRoot()).as("runAsNonRoot of %s", what).isTrue();
                assertThat(sc.getReadOnlyRootFilesystem())
                        .as("readOnlyRootFilesystem of %s", what)
                        .isTrue();
                assertThat(sc.getAllowPrivilegeEscalation())
                        .as("allowPrivilegeEscalation of %s", what)
                        .isFalse();
                assertThat(sc.getCapabilities().getDrop())
                        .as("dropped capabilities of %s", what)
                        .containsExactly("ALL");
                assertThat(sc.getCapabilities().getAdd())
                        .as("added capabilities of %s", what)
                        .isNullOrEmpty();
                assertThat(c.getVolumeMounts())
                        .as("/tmp of %s", what)
                        .anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/tmp"));
            }
            assertThat(pod.getVolumes())
                    .filteredOn(v -> v.getName().equals("tmp"))
                    .singleElement()
                    .satisfies(v -> assertThat(v.getEmptyDir()).isNotNull());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"cpu", "cuda"})
    void everyServiceHasAServiceAndADisruptionBudgetSelectingItsPods(String overlay) {
        Manifests m = Manifests.of(overlay);
        for (Workload s : WORKLOADS) {
            Deployment d = m.deployment(s.app());
            Map<String, String> podLabels =
                    d.getSpec().getTemplate().getMetadata().getLabels();
            assertThat(podLabels).containsAllEntriesOf(d.getSpec().getSelector().getMatchLabels());
            Service service = m.services().stream()
                    .filter(x -> x.getMetadata().getName().equals(s.app()))
                    .findFirst()
                    .orElseThrow();
            assertThat(podLabels).containsAllEntriesOf(service.getSpec().getSelector());
            assertThat(service.getSpec().getPorts()).singleElement().satisfies(p -> {
                assertThat(p.getPort()).isEqualTo(s.port());
                assertThat(p.getTargetPort().getStrVal()).isEqualTo("http");
            });
            PodDisruptionBudget pdb = m.disruptionBudgets().stream()
                    .filter(x -> x.getMetadata().getName().equals(s.app()))
                    .findFirst()
                    .orElseThrow();
            assertThat(podLabels)
                    .containsAllEntriesOf(pdb.getSpec().getSelector().getMatchLabels());
            assertThat(pdb.getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"cpu", "cuda"})
    void configComesFromConfigMapsAndKafkaCredentialsOnlyFromTheKafkaUserSecret(String overlay) {
        Manifests m = Manifests.of(overlay);
        ConfigMap kafka = m.configMap("likeness-kafka");
        assertThat(kafka.getData())
                .containsEntry("LIKENESS_KAFKA_TOPICS_CREATE", "false")
                .containsEntry("LIKENESS_KAFKA_TOPICS_REPLICATION_FACTOR", "3")
                .containsEntry("KAFKA_SECURITY_PROTOCOL", "SASL_SSL")
                .containsEntry("KAFKA_SASL_MECHANISM", "SCRAM-SHA-512")
                .containsEntry("LIKENESS_MODELS_DIR", "/models")
                .containsKey("KAFKA_BOOTSTRAP_SERVERS");
        for (Workload s : WORKLOADS) {
            Container c = m.deployment(s.app())
                    .getSpec()
                    .getTemplate()
                    .getSpec()
                    .getContainers()
                    .get(0);
            assertThat(c.getEnvFrom())
                    .extracting(e -> e.getConfigMapRef().getName())
                    .containsExactly("likeness-kafka", s.app());
            m.configMap(s.app());
            EnvVar jaas = c.getEnv().stream()
                    .filter(e -> e.getName().equals("KAFKA_SASL_JAAS_CONFIG"))
                    .findFirst()
                    .orElseThrow();
            assertThat(jaas.getValue()).isNull();
            assertThat(jaas.getValueFrom().getSecretKeyRef().getName()).isEqualTo(s.app());
            assertThat(jaas.getValueFrom().getSecretKeyRef().getKey()).isEqualTo("sasl.jaas.config");
            assertThat(c.getEnv())
                    .filteredOn(e -> e.getName().equals("LIKENESS_KAFKA_USERNAME"))
                    .singleElement()
                    .satisfies(e -> assertThat(e.getValue()).isEqualTo(s.app()));
            // No other credential-looking literal anywhere.
            assertThat(c.getEnv()).noneSatisfy(e -> assertThat(e.getName()).containsIgnoringCase("PASSWORD"));
            assertThat(c.getVolumeMounts())
                    .anySatisfy(v -> assertThat(v.getMountPath()).isEqualTo("/etc/likeness/kafka-ca"));
        }
        // The one REST API in the cluster takes API keys, from a Secret the operator makes.
        Container matching = m.deployment("likeness-matching")
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0);
        assertThat(matching.getEnv())
                .filteredOn(e -> e.getName().equals("LIKENESS_API_AUTH_MODE"))
                .singleElement()
                .satisfies(e -> assertThat(e.getValue()).isEqualTo("api-key"));
        assertThat(matching.getEnv())
                .filteredOn(e -> e.getName().equals("LIKENESS_API_AUTH_KEYS"))
                .singleElement()
                .satisfies(e -> {
                    assertThat(e.getValue()).isNull();
                    assertThat(e.getValueFrom().getSecretKeyRef().getName()).isEqualTo("likeness-api-keys");
                });
    }

    /**
     * Matching writes its gallery snapshots where its ConfigMap says, onto a volume every replica shares, so
     * that a restarted or added replica restores one instead of reading the whole gallery topic.
     */
    @ParameterizedTest
    @ValueSource(strings = {"cpu", "cuda"})
    void matchingKeepsGallerySnapshotsOnASharedVolume(String overlay) {
        Manifests m = Manifests.of(overlay);
        String directory =
                m.configMap("likeness-matching").getData().get("LIKENESS_MATCHING_GALLERY_SNAPSHOT_DIRECTORY");
        PodSpec pod = m.deployment("likeness-matching").getSpec().getTemplate().getSpec();
        String volume = pod.getContainers().get(0).getVolumeMounts().stream()
                .filter(mount -> mount.getMountPath().equals(directory))
                .findFirst()
                .orElseThrow(() -> new AssertionError("nothing mounted at " + directory))
                .getName();
        String claim = pod.getVolumes().stream()
                .filter(v -> v.getName().equals(volume))
                .findFirst()
                .orElseThrow()
                .getPersistentVolumeClaim()
                .getClaimName();
        PersistentVolumeClaim pvc = m.typed("PersistentVolumeClaim", PersistentVolumeClaim.class).stream()
                .filter(c -> c.getMetadata().getName().equals(claim))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no PersistentVolumeClaim " + claim));
        assertThat(pvc.getSpec().getAccessModes()).containsExactly("ReadWriteMany");
    }

    /**
     * Models are never in the images: services that run networks fetch them at start into an emptyDir with
     * npm pack, checked against SHA256SUMS, which must be deploy/models/SHA256SUMS byte for byte.
     */
    @ParameterizedTest
    @ValueSource(strings = {"cpu", "cuda"})
    void modelsAreFetchedAndVerifiedByInitContainersIntoASharedVolume(String overlay) throws IOException {
        Manifests m = Manifests.of(overlay);
        String sums = Files.readString(Manifests.ROOT.resolve("deploy/models/SHA256SUMS"));
        String fetchSh = Files.readString(Manifests.ROOT.resolve("deploy/models/fetch.sh"));
        ConfigMap models = m.configMap("likeness-models");
        assertThat(models.getData().get("SHA256SUMS"))
                .as("the SHA256SUMS copy in deploy/k8s/base/models")
                .isEqualTo(sums);
        assertThat(models.getData().get("fetch-models.sh")).contains("sha256sum --check --strict");
        for (Mesh s : Mesh.SERVICES) {
            PodSpec pod = m.deployment(s.app()).getSpec().getTemplate().getSpec();
            Container service = pod.getContainers().get(0);
            if (!s.needsModels()) {
                assertThat(pod.getInitContainers()).isEmpty();
                continue;
            }
            Volume volume = pod.getVolumes().stream()
                    .filter(v -> v.getName().equals("models"))
                    .findFirst()
                    .orElseThrow();
            assertThat(volume.getEmptyDir()).isNotNull();
            assertThat(service.getVolumeMounts())
                    .filteredOn(v -> v.getName().equals("models"))
                    .singleElement()
                    .satisfies(v -> {
                        assertThat(v.getMountPath()).isEqualTo("/models");
                        assertThat(v.getReadOnly()).isTrue();
                    });
            Container fetch = pod.getInitContainers().get(0);
            assertThat(fetch.getName()).isEqualTo("fetch-models");
            assertThat(fetch.getImage()).startsWith("docker.io/library/node:");
            assertThat(fetch.getCommand()).containsExactly("bash", "/etc/likeness/models/fetch-models.sh");
            assertThat(fetch.getArgs().get(0)).isEqualTo("fetch");
            List<String> args = fetch.getArgs().subList(1, fetch.getArgs().size());
            assertThat(args.size() % 4).isZero();
            for (int i = 0; i < args.size(); i += 4) {
                // The same package, tarball, folders as deploy/models/fetch.sh, and a checksum for the tarball.
                assertThat(fetchSh).contains("unpack " + String.join(" ", args.subList(i, i + 4)));
                assertThat(sums).contains("  .cache/" + args.get(i + 1) + "\n");
            }
            Volume config = pod.getVolumes().stream()
                    .filter(v -> v.getName().equals("models-config"))
                    .findFirst()
                    .orElseThrow();
            assertThat(config.getConfigMap().getName()).isEqualTo("likeness-models");
            assertThat(fetch.getVolumeMounts()).extracting(v -> v.getName()).contains("models", "models-config", "tmp");
            // Whatever the service loads that is derived (face/batch, style/) is made by onnx-tools from those files.
            assertThat(pod.getInitContainers()).extracting(Container::getName).contains("prepare-models");
        }
    }

    /** Every env key of the service ConfigMaps is one of the service's own settings (no typo goes unnoticed). */
    @ParameterizedTest
    @ValueSource(strings = {"cpu", "cuda"})
    void serviceConfigKeysAreKnownSettings(String overlay) throws IOException {
        Manifests m = Manifests.of(overlay);
        for (Workload s : WORKLOADS) {
            String sources = javaSources(s.service());
            for (String key : m.configMap(s.app()).getData().keySet().stream()
                    .filter(k -> k.startsWith("LIKENESS_"))
                    .toList()) {
                // LIKENESS_EMBEDDING_INFERENCE_ALLOW_CPU_FALLBACK -> allowCpuFallback() in a group of the config,
                // LIKENESS_CONSOLE_INSIGHT_RESULTS_DIRS -> insightResultsDirs() at its top.
                assertThat(sources)
                        .as("%s: %s is a config method of the service", s.app(), key)
                        .containsAnyOf(configMethods(key, s.service()));
            }
        }
    }

    private static String[] configMethods(String key, String service) {
        String rest = key.substring(("LIKENESS_" + service.toUpperCase() + "_").length())
                .toLowerCase();
        String inGroup = rest;
        for (String group :
                List.of("inference_", "output_", "limits_", "defaults_", "gallery_", "snapshot_", "insight_")) {
            if (inGroup.startsWith(group)) {
                inGroup = inGroup.substring(group.length());
            }
        }
        return new String[] {camelCase(inGroup) + "()", camelCase(rest) + "()"};
    }

    private static String camelCase(String snake) {
        Matcher words = Pattern.compile("_([a-z])").matcher(snake);
        return words.replaceAll(r -> r.group(1).toUpperCase());
    }

    /** The service's config interfaces, plus the config groups they share from libs/service-kit. */
    private static String javaSources(String service) throws IOException {
        return configSources(Manifests.ROOT.resolve("services").resolve(service).resolve("src/main/java")) + "\n"
                + configSources(Manifests.ROOT.resolve("libs/service-kit/src/main/java"));
    }

    private static String configSources(java.nio.file.Path root) throws IOException {
        try (var files = Files.walk(root)) {
            return files.filter(p -> p.toString().endsWith("Config.java"))
                    .map(p -> {
                        try {
                            return Files.readString(p);
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    })
                    .collect(Collectors.joining("\n"));
        }
    }
}
