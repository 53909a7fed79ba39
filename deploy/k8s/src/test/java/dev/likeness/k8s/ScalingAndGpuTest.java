package dev.likeness.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;

/** KEDA scaling on consumer lag, and what the cuda overlay changes. */
class ScalingAndGpuTest {

    @ParameterizedTest
    @ValueSource(strings = {"cpu", "cuda"})
    void everyConsumerScalesOnItsGroupLagWithinThePartitionsOfItsInput(String overlay) {
        Manifests m = Manifests.of(overlay);
        for (Mesh s : Mesh.SERVICES) {
            JsonNode so = m.custom("ScaledObject", s.app());
            assertThat(so.at("/apiVersion").asText()).isEqualTo("keda.sh/v1alpha1");
            assertThat(so.at("/spec/scaleTargetRef/name").asText()).isEqualTo(s.app());
            m.deployment(s.app());
            int min = so.at("/spec/minReplicaCount").asInt();
            int max = so.at("/spec/maxReplicaCount").asInt();
            JsonNode input = m.custom("KafkaTopic").stream()
                    .filter(t -> t.at("/spec/topicName").asText().equals(s.inputTopic()))
                    .findFirst()
                    .orElseThrow();
            int partitions = input.at("/spec/partitions").asInt();
            assertThat(min)
                    .as("minReplicaCount of %s", s.app())
                    .isGreaterThanOrEqualTo(1)
                    .isLessThanOrEqualTo(max);
            assertThat(max)
                    .as("maxReplicaCount of %s <= partitions of %s", s.app(), s.inputTopic())
                    .isLessThanOrEqualTo(partitions);
            assertThat(so.at("/spec/triggers")).singleElement().satisfies(t -> {
                assertThat(t.at("/type").asText()).isEqualTo("kafka");
                assertThat(t.at("/metadata/consumerGroup").asText()).isEqualTo(s.consumerGroup());
                assertThat(t.at("/metadata/topic").asText()).isEqualTo(s.inputTopic());
                assertThat(Integer.parseInt(t.at("/metadata/lagThreshold").asText()))
                        .isPositive();
                assertThat(t.at("/metadata/allowIdleConsumers").asText()).isEqualTo("false");
                assertThat(t.at("/metadata/sasl").asText()).isEqualTo("scram_sha512");
                assertThat(t.at("/metadata/tls").asText()).isEqualTo("enable");
                assertThat(t.at("/metadata/bootstrapServers").asText())
                        .isEqualTo(m.configMap("likeness-kafka").getData().get("KAFKA_BOOTSTRAP_SERVERS"));
                assertThat(t.at("/authenticationRef/name").asText()).isEqualTo(s.app());
            });
            JsonNode auth = m.custom("TriggerAuthentication", s.app());
            assertThat(auth.at("/spec/secretTargetRef")).anySatisfy(r -> {
                assertThat(r.at("/parameter").asText()).isEqualTo("password");
                assertThat(r.at("/name").asText()).isEqualTo(s.app());
                assertThat(r.at("/key").asText()).isEqualTo("password");
            });
            assertThat(auth.at("/spec/env")).singleElement().satisfies(e -> {
                assertThat(e.at("/parameter").asText()).isEqualTo("username");
                assertThat(e.at("/containerName").asText()).isEqualTo(s.service());
            });
            // KEDA reads the lag with the service's own user: it needs Read (so Describe) on the group and topic.
            assertThat(s.literalGroups()).contains(s.consumerGroup());
            assertThat(s.reads()).contains(s.inputTopic());
        }
    }

    @Test
    void cudaOverlayRunsEmbeddingAndStylisingOnOneGpuWithTheCudaProviderAndNoFallback() {
        Manifests m = Manifests.of("cuda");
        for (Mesh s : Mesh.SERVICES) {
            PodSpec pod = m.deployment(s.app()).getSpec().getTemplate().getSpec();
            Container c = pod.getContainers().get(0);
            Map<String, String> env = m.configMap(s.app()).getData();
            String prefix = "LIKENESS_" + s.service().toUpperCase() + "_INFERENCE_";
            if (!s.usesGpu()) {
                assertThat(c.getResources().getLimits()).doesNotContainKey("nvidia.com/gpu");
                assertThat(c.getImage()).doesNotEndWith("-cuda");
                continue;
            }
            assertThat(c.getResources().getLimits()).containsEntry("nvidia.com/gpu", new Quantity("1"));
            assertThat(c.getImage()).as("the -Pcuda (onnxruntime_gpu) image").endsWith("-cuda");
            assertThat(pod.getNodeSelector()).containsEntry("nvidia.com/gpu.present", "true");
            assertThat(pod.getTolerations()).anySatisfy(t -> {
                assertThat(t.getKey()).isEqualTo("nvidia.com/gpu");
                assertThat(t.getEffect()).isEqualTo("NoSchedule");
            });
            assertThat(env)
                    .containsEntry(prefix + "PROVIDER", "cuda")
                    .containsEntry(prefix + "ALLOW_CPU_FALLBACK", "false");
            // The init containers need no GPU.
            assertThat(pod.getInitContainers())
                    .allSatisfy(i -> assertThat(i.getResources().getLimits()).doesNotContainKey("nvidia.com/gpu"));
        }
    }

    @Test
    void cpuOverlayHasNoGpuAndTheCpuProvider() {
        Manifests m = Manifests.of("cpu");
        for (Mesh s : Mesh.SERVICES) {
            PodSpec pod = m.deployment(s.app()).getSpec().getTemplate().getSpec();
            assertThat(pod.getContainers().get(0).getResources().getLimits()).doesNotContainKey("nvidia.com/gpu");
            assertThat(pod.getContainers().get(0).getImage()).doesNotContain("cuda");
            assertThat(pod.getTolerations()).isNullOrEmpty();
            if (s.usesGpu()) {
                String prefix = "LIKENESS_" + s.service().toUpperCase() + "_INFERENCE_";
                assertThat(m.configMap(s.app()).getData()).containsEntry(prefix + "PROVIDER", "cpu");
            }
        }
        assertThat(List.of("cpu", "cuda")).isEqualTo(Manifests.OVERLAYS);
    }
}
