package dev.likeness.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;
import dev.likeness.core.kafka.Topics;

/** Strimzi resources: the KRaft cluster, a KafkaTopic per row of docs/events.md, least-privilege KafkaUsers. */
class KafkaTest {

    static final long MAX_MESSAGE_BYTES = 16L * 1024 * 1024 + 1024 * 1024;
    static final long DAY_MS = 24L * 60 * 60 * 1000;

    /** A people's tool (no Deployment here): a user of its own, reading by partition assignment, no group. */
    record Client(String user, Set<String> reads, Set<String> writes) {}

    private static final Set<String> DEAD_LETTERS =
            Set.of(Topics.deadLetters("embedding"), Topics.deadLetters("matching"), Topics.deadLetters("stylising"));

    static final List<Client> CLIENTS = List.of(
            new Client(
                    "likeness-console",
                    union(
                            DEAD_LETTERS,
                            Set.of(
                                    Topics.IMAGES,
                                    Topics.STYLE_REQUESTS,
                                    Topics.FACES,
                                    Topics.MATCHES,
                                    Topics.GALLERY,
                                    Topics.STYLE_PROGRESS,
                                    Topics.STYLE_RESULTS,
                                    Topics.INSIGHT_RESULTS,
                                    Topics.INSIGHT_ATLASES)),
                    Set.of(Topics.IMAGES, Topics.STYLE_REQUESTS, Topics.INSIGHT_REQUESTS)),
            // Gallery changes go through matching's REST API, so the CLI never writes the gallery.
            new Client(
                    "likeness-cli",
                    union(
                            DEAD_LETTERS,
                            Set.of(
                                    Topics.FACES,
                                    Topics.MATCHES,
                                    Topics.GALLERY,
                                    Topics.STYLE_PROGRESS,
                                    Topics.STYLE_RESULTS,
                                    Topics.INSIGHT_PROGRESS,
                                    Topics.INSIGHT_RESULTS)),
                    Set.of(Topics.IMAGES, Topics.STYLE_REQUESTS, Topics.INSIGHT_REQUESTS)));

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new HashSet<>(a);
        all.addAll(b);
        return all;
    }

    /** Whether the service has a transactional producer (likeness.delivery=exactly-once), from its own config. */
    static boolean transactional(Mesh service) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(Manifests.ROOT
                .resolve("services")
                .resolve(service.service())
                .resolve("src/main/resources/application.properties"))) {
            p.load(r);
        }
        return p.stringPropertyNames().stream().anyMatch(k -> k.endsWith(".transactional.id"));
    }

    /** One row of the topic table of docs/events.md. */
    record DocTopic(String name, boolean compacted, Long retentionMs, boolean brokerDefaultRetention) {}

    /** Parses the topic table of docs/events.md, so the KafkaTopics and the documentation cannot drift. */
    static Map<String, DocTopic> documentedTopics() throws IOException {
        Map<String, DocTopic> topics = new LinkedHashMap<>();
        Pattern row = Pattern.compile("^\\| `(likeness\\.[a-z.0-9]+)` \\|[^|]*\\|[^|]*\\| ([^|]*) \\|");
        for (String line : Files.readAllLines(Manifests.ROOT.resolve("docs/events.md"))) {
            Matcher m = row.matcher(line);
            if (!m.find()) {
                continue;
            }
            String retention = m.group(2);
            Matcher days = Pattern.compile("(\\d+) days?").matcher(retention);
            Long ms = days.find() ? Long.parseLong(days.group(1)) * DAY_MS : null;
            topics.put(
                    m.group(1),
                    new DocTopic(m.group(1), retention.contains("compact"), ms, retention.contains("broker default")));
        }
        assertThat(topics).as("topics parsed from docs/events.md").hasSizeGreaterThanOrEqualTo(11);
        return topics;
    }

    @Test
    void theDocumentedTableIsWhatTheServicesUse() throws IOException {
        Set<String> used = new HashSet<>();
        Mesh.SERVICES.forEach(s -> {
            used.addAll(s.reads());
            used.addAll(s.writes());
        });
        assertThat(documentedTopics().keySet()).containsExactlyInAnyOrderElementsOf(used);
    }

    @ParameterizedTest
    @ValueSource(strings = {"cpu", "cuda"})
    void everyDocumentedTopicIsAKafkaTopicWithItsConfig(String overlay) throws IOException {
        Map<String, DocTopic> documented = documentedTopics();
        List<JsonNode> topics = Manifests.of(overlay).custom("KafkaTopic");
        assertThat(topics)
                .extracting(t -> t.at("/spec/topicName").asText())
                .containsExactlyInAnyOrderElementsOf(documented.keySet());
        for (JsonNode t : topics) {
            DocTopic doc = documented.get(t.at("/spec/topicName").asText());
            String what = doc.name();
            assertThat(t.at("/apiVersion").asText()).isEqualTo("kafka.strimzi.io/v1beta2");
            assertThat(t.at("/metadata/labels/strimzi.io~1cluster").asText()).isEqualTo("likeness");
            assertThat(t.at("/spec/replicas").asInt())
                    .as("replicas of %s", what)
                    .isEqualTo(3);
            assertThat(t.at("/spec/partitions").asInt())
                    .as("partitions of %s", what)
                    .isPositive();
            JsonNode config = t.at("/spec/config");
            assertThat(config.path("cleanup.policy").asText())
                    .as("cleanup.policy of %s", what)
                    .isEqualTo(doc.compacted() ? "compact" : "delete");
            assertThat(config.path("max.message.bytes").asLong())
                    .as("max.message.bytes of %s", what)
                    .isEqualTo(MAX_MESSAGE_BYTES);
            assertThat(config.path("min.insync.replicas").asInt()).isEqualTo(2);
            if (doc.compacted()) {
                assertThat(config.has("retention.ms"))
                        .as("retention.ms of compacted %s", what)
                        .isFalse();
            } else if (doc.brokerDefaultRetention() && !config.has("retention.ms")) {
                continue;
            } else {
                assertThat(config.path("retention.ms").asLong())
                        .as("retention.ms of %s", what)
                        .isEqualTo(doc.retentionMs());
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"cpu", "cuda"})
    void theClusterIsKraftWithScramTlsAndAcls(String overlay) {
        Manifests m = Manifests.of(overlay);
        JsonNode kafka = m.custom("Kafka", "likeness");
        assertThat(kafka.at("/metadata/annotations/strimzi.io~1kraft").asText()).isEqualTo("enabled");
        assertThat(kafka.at("/metadata/annotations/strimzi.io~1node-pools").asText())
                .isEqualTo("enabled");
        assertThat(kafka.at("/spec/zookeeper").isMissingNode()).isTrue();
        assertThat(kafka.at("/spec/kafka/listeners")).allSatisfy(l -> {
            assertThat(l.at("/tls").asBoolean()).isTrue();
            assertThat(l.at("/authentication/type").asText()).isEqualTo("scram-sha-512");
        });
        assertThat(kafka.at("/spec/kafka/authorization/type").asText()).isEqualTo("simple");
        JsonNode config = kafka.at("/spec/kafka/config");
        assertThat(config.path("message.max.bytes").asLong()).isGreaterThanOrEqualTo(MAX_MESSAGE_BYTES);
        assertThat(config.path("replica.fetch.max.bytes").asLong()).isGreaterThanOrEqualTo(MAX_MESSAGE_BYTES);
        assertThat(config.path("auto.create.topics.enable").asBoolean(true)).isFalse();
        assertThat(kafka.at("/spec/entityOperator/topicOperator").isObject()).isTrue();
        assertThat(kafka.at("/spec/entityOperator/userOperator").isObject()).isTrue();
        List<JsonNode> pools = m.custom("KafkaNodePool");
        int controllers = 0;
        int brokers = 0;
        for (JsonNode pool : pools) {
            assertThat(pool.at("/metadata/labels/strimzi.io~1cluster").asText()).isEqualTo("likeness");
            Set<String> roles = new HashSet<>();
            pool.at("/spec/roles").forEach(r -> roles.add(r.asText()));
            int replicas = pool.at("/spec/replicas").asInt();
            controllers += roles.contains("controller") ? replicas : 0;
            brokers += roles.contains("broker") ? replicas : 0;
        }
        assertThat(controllers)
                .as("KRaft controllers (a quorum tolerating one failure)")
                .isGreaterThanOrEqualTo(3)
                .isOdd();
        assertThat(brokers).as("brokers for replication factor 3").isGreaterThanOrEqualTo(3);
    }

    /**
     * Each service's user may do exactly what its service does: nothing more (no wildcard, no create); so may
     * the console's and the CLI's.
     */
    @ParameterizedTest
    @ValueSource(strings = {"cpu", "cuda"})
    void everyKafkaUserHasExactlyTheAclsItsServiceNeeds(String overlay) throws IOException {
        Manifests m = Manifests.of(overlay);
        Map<String, Set<String>> expectedAcls = new LinkedHashMap<>();
        for (Mesh s : Mesh.SERVICES) {
            Set<String> expected = new HashSet<>();
            s.reads().forEach(t -> expected.add("topic " + t + " literal Read"));
            s.writes().forEach(t -> expected.add("topic " + t + " literal Write"));
            s.prefixedReads().forEach(t -> expected.add("topic " + t + " prefix Read"));
            s.prefixedWrites().forEach(t -> expected.add("topic " + t + " prefix Write"));
            s.literalGroups().forEach(g -> expected.add("group " + g + " literal Read"));
            s.prefixedGroups().forEach(g -> expected.add("group " + g + " prefix Read"));
            if (transactional(s)) {
                // transactional.id = likeness-<service>-<host>: only its own prefix.
                expected.add("transactionalId " + s.app() + "- prefix Write");
            }
            expectedAcls.put(s.app(), expected);
        }
        for (Client c : CLIENTS) {
            Set<String> expected = new HashSet<>();
            c.reads().forEach(t -> expected.add("topic " + t + " literal Read"));
            c.writes().forEach(t -> expected.add("topic " + t + " literal Write"));
            expectedAcls.put(c.user(), expected);
        }
        assertThat(m.custom("KafkaUser"))
                .extracting(u -> u.at("/metadata/name").asText())
                .containsExactlyInAnyOrderElementsOf(expectedAcls.keySet());
        for (Map.Entry<String, Set<String>> entry : expectedAcls.entrySet()) {
            JsonNode user = m.custom("KafkaUser", entry.getKey());
            assertThat(user.at("/metadata/labels/strimzi.io~1cluster").asText()).isEqualTo("likeness");
            assertThat(user.at("/spec/authentication/type").asText()).isEqualTo("scram-sha-512");
            assertThat(user.at("/spec/authorization/type").asText()).isEqualTo("simple");
            Set<String> actual = new HashSet<>();
            for (JsonNode acl : user.at("/spec/authorization/acls")) {
                assertThat(acl.has("operation"))
                        .as("deprecated singular 'operation'")
                        .isFalse();
                assertThat(acl.path("type").asText("allow")).isEqualTo("allow");
                for (JsonNode op : acl.at("/operations")) {
                    actual.add(acl.at("/resource/type").asText() + " "
                            + acl.at("/resource/name").asText() + " "
                            + acl.at("/resource/patternType").asText("literal") + " " + op.asText());
                }
            }
            assertThat(actual).as("ACLs of %s", entry.getKey()).containsExactlyInAnyOrderElementsOf(entry.getValue());
        }
    }

    /** The console's user covers exactly the topics the console provisions (reads and writes). */
    @Test
    void theConsoleUserCoversTheTopicsOfTheConsole() throws IOException {
        Set<String> provisioned = ServiceProperties.of("console").list("likeness.kafka.topics.provision");
        Client console = CLIENTS.get(0);
        assertThat(provisioned).containsExactlyInAnyOrderElementsOf(union(console.reads(), console.writes()));
    }
}
