package dev.likeness.local.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

/**
 * Reads the Strimzi {@code KafkaUser} and {@code KafkaTopic} manifests of deploy/k8s, so that the secured
 * local broker applies the very ACLs and topics the cluster gets: one source of truth, checked against the
 * services' configuration by deploy/k8s's tests.
 */
public final class StrimziManifests {

    /**
     * A principal {@code User:<name>}, what it may do, and its client quotas ({@code spec.quotas}: Strimzi's
     * {@code producerByteRate}, {@code consumerByteRate}, {@code requestPercentage}, as Kafka's quota keys).
     */
    public record User(String name, List<AclBinding> acls, Map<String, Double> quotas) {}

    private StrimziManifests() {}

    /** Every {@code KafkaUser} in the file, its {@code spec.authorization.acls} as Kafka ACL bindings. */
    public static List<User> users(Path file) {
        List<User> users = new ArrayList<>();
        for (JsonNode resource : resources(file, "KafkaUser")) {
            String name = resource.at("/metadata/name").asText();
            String authentication = resource.at("/spec/authentication/type").asText();
            if (!authentication.equals("scram-sha-512")) {
                throw new IllegalArgumentException("KafkaUser " + name + " in " + file + " authenticates with '"
                        + authentication + "'; the local broker knows scram-sha-512 only");
            }
            String principal = "User:" + name;
            List<AclBinding> acls = new ArrayList<>();
            for (JsonNode acl : resource.at("/spec/authorization/acls")) {
                JsonNode resourceNode = acl.path("resource");
                ResourcePattern pattern = new ResourcePattern(
                        enumOf(ResourceType.class, resourceNode.path("type").asText(), file),
                        resourceNode.path("type").asText().equals("cluster")
                                ? "kafka-cluster"
                                : resourceNode.path("name").asText(),
                        enumOf(
                                PatternType.class,
                                resourceNode.path("patternType").asText("literal"),
                                file));
                AclPermissionType permission =
                        enumOf(AclPermissionType.class, acl.path("type").asText("allow"), file);
                for (JsonNode operation : acl.path("operations")) {
                    acls.add(new AclBinding(
                            pattern,
                            new AccessControlEntry(
                                    principal,
                                    acl.path("host").asText("*"),
                                    enumOf(AclOperation.class, operation.asText(), file),
                                    permission)));
                }
            }
            Map<String, Double> quotas = new HashMap<>();
            resource.at("/spec/quotas")
                    .fields()
                    .forEachRemaining(quota -> quotas.put(
                            quota.getKey().replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT),
                            quota.getValue().asDouble()));
            users.add(new User(name, List.copyOf(acls), Map.copyOf(quotas)));
        }
        return users;
    }

    /**
     * Every {@code KafkaTopic} as a topic for one broker: its partitions and configs, but replication factor 1
     * and no {@code min.insync.replicas} (a single replica could never satisfy the cluster's 2).
     */
    public static List<NewTopic> topics(Path file) {
        List<NewTopic> topics = new ArrayList<>();
        for (JsonNode resource : resources(file, "KafkaTopic")) {
            JsonNode spec = resource.path("spec");
            String name =
                    spec.path("topicName").asText(resource.at("/metadata/name").asText());
            Map<String, String> configs = new HashMap<>();
            spec.path("config")
                    .fields()
                    .forEachRemaining(entry ->
                            configs.put(entry.getKey(), entry.getValue().asText()));
            configs.remove("min.insync.replicas");
            topics.add(new NewTopic(name, spec.path("partitions").asInt(1), (short) 1).configs(configs));
        }
        return topics;
    }

    private static List<JsonNode> resources(Path file, String kind) {
        List<JsonNode> resources = new ArrayList<>();
        try (MappingIterator<JsonNode> documents =
                new YAMLMapper().readerFor(JsonNode.class).readValues(file.toFile())) {
            while (documents.hasNext()) {
                JsonNode document = documents.next();
                if (document != null && kind.equals(document.path("kind").asText())) {
                    resources.add(document);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + kind + " manifests from " + file, e);
        }
        return resources;
    }

    /** Strimzi's camel case ("transactionalId", "DescribeConfigs", "prefix") to Kafka's enum names. */
    private static <E extends Enum<E>> E enumOf(Class<E> type, String strimziName, Path file) {
        String name = strimziName.replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT);
        if (type == PatternType.class && name.equals("PREFIX")) {
            name = "PREFIXED";
        }
        try {
            return Enum.valueOf(type, name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "Unknown " + type.getSimpleName() + " '" + strimziName + "' in " + file, e);
        }
    }
}
