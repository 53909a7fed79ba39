package dev.likeness.local.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** What the secured broker's tests do as one user: send a record, read a topic as a member of a group. */
final class SecuredClients {

    static final Duration TIMEOUT = Duration.ofSeconds(30);

    private SecuredClients() {}

    /** Sends one keyed record (the gallery is compacted and takes keyed records only) and waits for its ack. */
    static void send(Map<String, Object> clientConfig, String topic, String value) throws Exception {
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) TIMEOUT.toMillis());
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer())) {
            byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
            producer.send(new ProducerRecord<>(topic, bytes, bytes)).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        }
    }

    /** Polls the topic as a member of {@code group} until a record arrives; authorization errors surface from poll. */
    static List<ConsumerRecord<byte[], byte[]>> readWithGroup(
            Map<String, Object> clientConfig, String group, String topic) {
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (System.nanoTime() < deadline) {
                List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
                consumer.poll(Duration.ofMillis(500)).forEach(records::add);
                if (!records.isEmpty()) {
                    return records;
                }
            }
            return List.of();
        }
    }
}
