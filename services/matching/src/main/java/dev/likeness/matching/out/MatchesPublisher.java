package dev.likeness.matching.out;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Channel;

import dev.likeness.core.events.Tenants;
import dev.likeness.core.kafka.DeliveryMode;
import dev.likeness.core.kafka.RejectedInputException;
import dev.likeness.core.kafka.TenantTopics;
import dev.likeness.events.v1.MatchResult;
import dev.likeness.servicekit.kafka.BatchDelivery;
import dev.likeness.servicekit.kafka.DeadLetters;
import dev.likeness.servicekit.kafka.OutgoingEvents;
import dev.likeness.servicekit.kafka.Outlet;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.transactions.KafkaTransactions;

/**
 * Where MatchResult answers (key = request id) and dead letters go, and how a batch of them is delivered
 * (likeness.delivery).
 */
@ApplicationScoped
public class MatchesPublisher {

    public static final URI SOURCE = URI.create("/likeness/matching");
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(60);

    private final DeadLetters deadLetters;
    private final MeterRegistry registry;
    private final Outlet matches;
    private final Outlet deadLetterOutlet;
    private final BatchDelivery delivery;

    @Inject
    public MatchesPublisher(
            MeterRegistry registry,
            @Channel("matches") MutinyEmitter<byte[]> matchesChannel,
            @Channel("dead-letters") MutinyEmitter<byte[]> deadLetterChannel,
            @Channel("transactional") KafkaTransactions<byte[]> transactions,
            @ConfigProperty(name = "likeness.topics.matches") String matchesTopic,
            @ConfigProperty(name = "likeness.topics.dead-letters") String deadLetterTopic,
            @ConfigProperty(name = "likeness.delivery") String deliveryMode) {
        this.registry = registry;
        this.deadLetters = new DeadLetters("matching", registry);
        this.matches = new Outlet(matchesChannel, matchesTopic);
        this.deadLetterOutlet = new Outlet(deadLetterChannel, deadLetterTopic);
        this.delivery = new BatchDelivery(DeliveryMode.of(deliveryMode), transactions, SEND_TIMEOUT);
    }

    public BatchDelivery delivery() {
        return delivery;
    }

    /**
     * The answer, on the matches topic, or on its tenant's own results topic for a request that came on the tenant's
     * own topic (FacesEmbedded.on_tenant_topic): there only that tenant's Kafka clients read it.
     */
    public BatchDelivery.Output result(MatchResult result, boolean onTenantTopic) {
        Counter.builder("likeness.matching.results")
                .tag("outcome", outcome(result))
                .tag("tenant", Tenants.of(result.getTenant()))
                .register(registry)
                .increment();
        Outlet outlet = onTenantTopic
                ? new Outlet(matches.channel(), TenantTopics.matches(Tenants.of(result.getTenant())))
                : matches;
        return new BatchDelivery.Output(outlet, OutgoingEvents.event(result.getRequestId(), result, SOURCE));
    }

    public BatchDelivery.Output deadLetter(
            ConsumerRecord<String, byte[]> record, RejectedInputException reason, int attempts, String requestId) {
        return new BatchDelivery.Output(deadLetterOutlet, deadLetters.counted(record, reason, attempts, requestId));
    }

    private static String outcome(MatchResult result) {
        return result.getOutcomeCase() == MatchResult.OutcomeCase.ERROR
                ? result.getError().getCode()
                : result.getOutcomeCase().name().toLowerCase(Locale.ROOT);
    }
}
