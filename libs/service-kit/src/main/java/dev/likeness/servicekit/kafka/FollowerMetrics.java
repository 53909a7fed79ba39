package dev.likeness.servicekit.kafka;

import java.util.function.Function;

import org.apache.kafka.clients.consumer.Consumer;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;

/**
 * The Kafka client metrics (kafka.consumer.*, tagged with the client id) of a service's topic followers, which
 * are plain consumers outside the messaging channels and so are not bound by the Kafka extension.
 */
public final class FollowerMetrics {

    private FollowerMetrics() {}

    /** For {@code TopicFollower.Builder.clientMetrics}: binds the consumer's metrics to the registry. */
    public static Function<Consumer<?, ?>, AutoCloseable> into(MeterRegistry registry) {
        return consumer -> {
            KafkaClientMetrics metrics = new KafkaClientMetrics(consumer);
            metrics.bindTo(registry);
            return metrics;
        };
    }
}
