package dev.likeness.servicekit.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Message;

import dev.likeness.core.kafka.DeliveryMode;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordBatchMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.smallrye.reactive.messaging.kafka.transactions.KafkaTransactions;

/**
 * Completes a consumed batch according to the delivery mode: every output of the batch reaches the broker
 * and the batch's offsets are committed after it (at-least-once), or outputs and offsets are committed
 * together in one Kafka transaction (exactly-once, SmallRye's read-process-write
 * {@link KafkaTransactions#withTransactionAndAck}).
 */
public final class BatchDelivery {

    /** One record to write, and where. */
    public record Output(Outlet outlet, Message<byte[]> message) {}

    private final DeliveryMode mode;
    private final KafkaTransactions<byte[]> transactions;
    private final Duration sendTimeout;

    /**
     * @param transactions the transactional channel (its {@code transactional.id} set), used only in exactly-once mode
     * @param sendTimeout  how long the at-least-once sends may take before the batch fails and is redelivered
     */
    public BatchDelivery(DeliveryMode mode, KafkaTransactions<byte[]> transactions, Duration sendTimeout) {
        this.mode = mode;
        this.transactions = transactions;
        this.sendTimeout = sendTimeout;
    }

    public DeliveryMode mode() {
        return mode;
    }

    /**
     * Writes the outputs and acknowledges {@code batch}. In exactly-once mode a failed transaction is aborted and
     * the consumer goes back to its last committed offsets, so the batch is processed again.
     */
    public Uni<Void> complete(Message<?> batch, List<Output> outputs) {
        if (mode == DeliveryMode.EXACTLY_ONCE) {
            return transactions.withTransactionAndAck(batch, emitter -> {
                outputs.forEach(output ->
                        emitter.send(toTopic(output.message(), output.outlet().topic())));
                return Uni.createFrom().voidItem();
            });
        }
        List<Uni<Void>> sends = new ArrayList<>(outputs.size());
        // Addressed too: an outlet may name another topic than its channel's (a tenant's own results topic).
        outputs.forEach(output -> sends.add(output.outlet()
                .channel()
                .sendMessage(toTopic(output.message(), output.outlet().topic()))));
        // Offsets are committed (ack) only once the broker has every output: nothing is lost.
        Sends.awaitAll(sends, sendTimeout);
        return Uni.createFrom().completionStage(batch::ack);
    }

    /** The Kafka records of a consumed batch, in poll order. */
    @SuppressWarnings("unchecked")
    public static List<ConsumerRecord<String, byte[]>> records(KafkaRecordBatch<String, byte[]> batch) {
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        batch.getMetadata(IncomingKafkaRecordBatchMetadata.class)
                .ifPresent(metadata -> ((IncomingKafkaRecordBatchMetadata<String, byte[]>) metadata)
                        .getRecords()
                        .forEach(records::add));
        return records;
    }

    /** The same record, addressed to {@code topic} (the transactional channel writes every output topic). */
    @SuppressWarnings("unchecked")
    static Message<byte[]> toTopic(Message<byte[]> message, String topic) {
        OutgoingKafkaRecordMetadata<String> kafka =
                message.getMetadata(OutgoingKafkaRecordMetadata.class).orElse(null);
        OutgoingKafkaRecordMetadata.OutgoingKafkaRecordMetadataBuilder<String> addressed =
                kafka == null ? OutgoingKafkaRecordMetadata.builder() : OutgoingKafkaRecordMetadata.from(kafka);
        // Metadata of one class is replaced, not added.
        return message.addMetadata(addressed.withTopic(topic).build());
    }
}
