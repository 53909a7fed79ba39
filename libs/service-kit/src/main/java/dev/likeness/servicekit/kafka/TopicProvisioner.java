package dev.likeness.servicekit.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;

/**
 * Creates the service's topics with the right configs if they do not exist, before the messaging
 * channels start (the local broker does not auto-create topics, so a typo fails loudly instead of
 * creating an uncompacted gallery).
 */
@ApplicationScoped
public class TopicProvisioner {

    private static final Logger LOG = Logger.getLogger(TopicProvisioner.class);
    /** Headroom above the inline image for the rest of the event and the record batch overhead. */
    private static final int ENVELOPE_BYTES = 1024 * 1024;

    private final TopicsConfig config;
    private final Map<String, Object> kafkaConfig;

    // Constructor injection: this bean lives in a library jar, where Quarkus cannot reach private-ish fields.
    @Inject
    public TopicProvisioner(TopicsConfig config, @Identifier("default-kafka-broker") Map<String, Object> kafkaConfig) {
        this.config = config;
        this.kafkaConfig = kafkaConfig;
    }

    // Runs before SmallRye Reactive Messaging starts its channels (LIBRARY_BEFORE).
    public void onStart(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) StartupEvent event) {
        List<String> topics = config.provision().orElse(List.of());
        if (!config.create() || topics.isEmpty()) {
            return;
        }
        ensureTopics(topics);
    }

    void ensureTopics(List<String> topics) {
        Set<String> compacted = Set.copyOf(config.compacted().orElse(List.of()));
        List<NewTopic> wanted = new ArrayList<>();
        for (String name : topics) {
            Map<String, String> configs = new HashMap<>();
            configs.put(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(maxMessageBytes()));
            if (compacted.contains(name)) {
                configs.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
            }
            wanted.add(new NewTopic(name, config.partitions(), config.replicationFactor()).configs(configs));
        }
        Duration timeout = config.timeout();
        try (Admin admin = Admin.create(adminConfig(timeout))) {
            Set<String> existing = admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            List<NewTopic> missing =
                    wanted.stream().filter(t -> !existing.contains(t.name())).toList();
            if (missing.isEmpty()) {
                return;
            }
            try {
                admin.createTopics(missing).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                LOG.infof(
                        "Created topics %s",
                        missing.stream().map(NewTopic::name).toList());
            } catch (ExecutionException e) {
                // Another replica of the mesh created them in the meantime: fine.
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating topics", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException(
                    "Cannot create topics " + topics + " on Kafka at "
                            + kafkaConfig.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG) + " within " + timeout
                            + " (is the broker running? `make broker` starts a local one): " + e,
                    e);
        }
    }

    /** The topic-level max.message.bytes that lets an inline image of the configured size through. */
    public int maxMessageBytes() {
        return config.inlineImageMaxBytes() + ENVELOPE_BYTES;
    }

    private Map<String, Object> adminConfig(Duration timeout) {
        Map<String, Object> admin = new HashMap<>();
        // The shared kafka.* config carries bootstrap servers and any SASL/TLS settings.
        kafkaConfig.forEach((key, value) -> {
            if (AdminClientConfig.configNames().contains(key)) {
                admin.put(key, value);
            }
        });
        admin.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        admin.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(timeout.toMillis(), 30_000));
        return admin;
    }
}
