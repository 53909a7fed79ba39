package dev.likeness.embedding;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jboss.logging.Logger;

import dev.likeness.core.image.ImageRejectedException;
import dev.likeness.core.io.ImageSourceReader;
import dev.likeness.core.kafka.RejectedInputException;
import dev.likeness.core.onnx.ModelClosedException;
import dev.likeness.events.v1.ImageSource;
import dev.likeness.events.v1.ImageSubmitted;
import dev.likeness.events.v1.Purpose;
import dev.likeness.face.FaceAnalysis;
import dev.likeness.face.FacePipeline;
import dev.likeness.face.PreparedImage;
import dev.likeness.servicekit.retry.RetryPolicy;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The service's domain: a batch of image records in, one outcome per record out. Bad input is refused
 * record by record before any network runs; the networks then run once for the whole batch, and only if
 * that fails are requests retried one by one, so one poisoned image cannot sink its neighbours.
 */
@ApplicationScoped
public class FaceEmbedder {

    private static final Logger LOG = Logger.getLogger(FaceEmbedder.class);

    private final ImageRequestValidator validator;
    private final FacePipeline pipeline;
    private final ImageSourceReader sources;
    private final EmbeddingConfig config;
    private final MeterRegistry registry;
    private final RetryPolicy retries;

    @Inject
    public FaceEmbedder(
            ImageRequestValidator validator,
            FacePipeline pipeline,
            EmbeddingConfig config,
            MeterRegistry registry,
            RetryPolicy retries) {
        this.validator = validator;
        this.pipeline = pipeline;
        this.config = config;
        this.registry = registry;
        this.retries = retries;
        this.sources = new ImageSourceReader(
                config.allowedImageRoots().orElse(List.of()), config.limits().maxBytes());
    }

    /** A request whose images passed every check, decoded for detection. */
    private record Accepted(ImageRequest request, PreparedImage image, PreparedImage secondImage) {}

    public List<Outcome> process(List<ConsumerRecord<String, byte[]>> records) {
        Outcome[] outcomes = new Outcome[records.size()];
        Accepted[] checked = new Accepted[records.size()];
        // Decoding is most of a request's Java work: the records are checked and decoded in parallel, on the common
        // fork-join pool with this thread taking part, so that the networks do not wait for one core to decode them
        // all.
        IntStream.range(0, records.size()).parallel().forEach(i -> {
            ConsumerRecord<String, byte[]> record = records.get(i);
            String requestId = null;
            try {
                ImageRequest request = validator.validate(record);
                requestId = request.requestId();
                checked[i] = accept(request);
            } catch (RejectedInputException e) {
                outcomes[i] = new Outcome.Rejected(record, e, 1, requestId);
            } catch (ModelClosedException stopping) {
                throw stopping;
            } catch (RuntimeException e) {
                // Checking and decoding depend on the record alone, so this would fail again: dead-letter it now
                // instead of failing its neighbours' batch (failures of the networks are retried: embedAll).
                LOG.warnf(e, "Request %s failed its checks unexpectedly; dead-lettering it", record.key());
                outcomes[i] = new Outcome.Rejected(record, RejectedInputException.preparationFailed(e), 1, requestId);
            }
        });
        List<Accepted> accepted = new ArrayList<>();
        List<Integer> positions = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            if (checked[i] != null) {
                accepted.add(checked[i]);
                positions.add(i);
            }
        }
        List<Outcome> embedded = embedAll(accepted);
        for (int i = 0; i < accepted.size(); i++) {
            outcomes[positions.get(i)] = embedded.get(i);
        }
        return List.of(outcomes);
    }

    private Accepted accept(ImageRequest request) {
        ImageSubmitted event = request.event();
        PreparedImage image = prepare(event.getImage(), request);
        PreparedImage second = null;
        Purpose purpose = event.getPurpose();
        if (purpose.hasVerify() && purpose.getVerify().hasSecondImage()) {
            second = prepare(purpose.getVerify().getSecondImage(), request);
        }
        return new Accepted(request, image, second);
    }

    private PreparedImage prepare(ImageSource source, ImageRequest request) {
        ImageSubmitted.Options options = request.event().getOptions();
        try {
            return pipeline.prepare(
                    sources.read(source), options.getMaxFaces(), options.getMinFacePx(), request.analyses());
        } catch (ImageRejectedException e) {
            throw RejectedInputException.of(e);
        }
    }

    private List<Outcome> embedAll(List<Accepted> accepted) {
        if (accepted.isEmpty()) {
            return List.of();
        }
        List<PreparedImage> images = new ArrayList<>();
        for (Accepted request : accepted) {
            images.add(request.image());
            if (request.secondImage() != null) {
                images.add(request.secondImage());
            }
        }
        try {
            return toOutcomes(accepted, pipeline.analyseAll(images));
        } catch (ModelClosedException stopping) {
            throw stopping;
        } catch (ImageRejectedException | RuntimeException e) {
            LOG.warnf(e, "Batch of %d requests failed; retrying them one by one", accepted.size());
            List<Outcome> outcomes = new ArrayList<>();
            for (Accepted request : accepted) {
                outcomes.add(embedWithRetries(request));
            }
            return outcomes;
        }
    }

    private Outcome embedWithRetries(Accepted request) {
        List<PreparedImage> images = request.secondImage() == null
                ? List.of(request.image())
                : List.of(request.image(), request.secondImage());
        RetryPolicy.Attempts<Outcome> attempts = retries.run(
                "Request " + request.request().requestId(),
                () -> {
                    try {
                        return toOutcomes(List.of(request), pipeline.analyseAll(images))
                                .get(0);
                    } catch (ImageRejectedException e) {
                        throw RejectedInputException.of(e);
                    }
                },
                // Bad input stays bad, and a stopping service answers nothing: neither is tried again.
                failure -> !(failure instanceof RejectedInputException || failure instanceof ModelClosedException));
        if (attempts.succeeded()) {
            return attempts.value();
        }
        RuntimeException failure = attempts.failure();
        if (failure instanceof ModelClosedException stopping) {
            throw stopping;
        }
        RejectedInputException reason = failure instanceof RejectedInputException rejected
                ? rejected
                : new RejectedInputException(
                        "INFERENCE_FAILED",
                        "the face pipeline failed " + attempts.attempts() + " times: " + failure,
                        failure);
        return new Outcome.Rejected(
                request.request().record(),
                reason,
                attempts.attempts(),
                request.request().requestId());
    }

    private List<Outcome> toOutcomes(List<Accepted> requests, List<FaceAnalysis> analyses) {
        List<Outcome> outcomes = new ArrayList<>();
        int next = 0;
        for (Accepted request : requests) {
            FaceAnalysis image = analyses.get(next++);
            FaceAnalysis second = request.secondImage() == null ? null : analyses.get(next++);
            registry.counter("likeness.embedding.faces").increment(image.faces().size());
            outcomes.add(new Outcome.Embedded(FacesEventFactory.create(pipeline, request.request(), image, second)));
        }
        return outcomes;
    }
}
