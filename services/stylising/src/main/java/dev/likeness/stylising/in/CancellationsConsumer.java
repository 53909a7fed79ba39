package dev.likeness.stylising.in;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import dev.likeness.core.kafka.EventParser;
import dev.likeness.core.kafka.RejectedInputException;
import dev.likeness.events.v1.StyleCancelRequested;
import dev.likeness.stylising.StyleJobs;

/**
 * Reads likeness.style.cancellations.v1 on every replica (a group id unique to this process, see
 * application.properties), since any replica may be running the job. It reads from the topic's beginning, so a
 * cancellation published before this replica started, or before its consumer was assigned, still counts.
 */
@ApplicationScoped
public class CancellationsConsumer {

    private static final Logger LOG = Logger.getLogger(CancellationsConsumer.class);

    private final EventParser<StyleCancelRequested> parser =
            new EventParser<>(StyleCancelRequested.getDefaultInstance());

    @Inject
    StyleJobs jobs;

    @Incoming("style-cancellations")
    public void consume(ConsumerRecord<String, byte[]> record) {
        try {
            StyleCancelRequested cancel = parser.parse(record);
            if (!cancel.getRequestId().isBlank()) {
                jobs.cancel(cancel.getRequestId(), record.timestamp());
            }
        } catch (RejectedInputException e) {
            LOG.warnf(
                    "Ignoring a malformed cancellation at %s-%d@%d: %s",
                    record.topic(), record.partition(), record.offset(), e.getMessage());
        }
    }
}
