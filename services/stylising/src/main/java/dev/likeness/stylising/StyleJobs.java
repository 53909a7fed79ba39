package dev.likeness.stylising;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.jboss.logging.Logger;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import dev.likeness.core.onnx.ModelClosedException;
import dev.likeness.events.v1.ImageSource;
import dev.likeness.events.v1.ImageStylised;
import dev.likeness.events.v1.ModelRef;
import dev.likeness.events.v1.RequestError;
import dev.likeness.events.v1.StyleProgress;
import dev.likeness.events.v1.StyleRequested;
import dev.likeness.servicekit.kafka.OutgoingEvents;
import dev.likeness.servicekit.kafka.Sends;
import dev.likeness.stylising.engine.FastStyles;
import dev.likeness.stylising.engine.Gatys;
import dev.likeness.stylising.engine.Raster;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;

/**
 * Runs style jobs on a fixed pool (max-concurrent-jobs, default one per core; further jobs queue), publishes
 * their progress and results, and cancels them by request id.
 */
@ApplicationScoped
public class StyleJobs {

    private static final Logger LOG = Logger.getLogger(StyleJobs.class);
    static final URI SOURCE = URI.create("/likeness/stylising");
    /** Cancellations of jobs this replica has not seen are remembered this long after they were published (the job may still arrive). */
    private static final long REMEMBER_CANCEL_MS = 3_600_000;

    @Inject
    StylisingConfig config;

    @Inject
    Gatys gatys;

    @Inject
    FastStyles fastStyles;

    @Inject
    @Channel("style-results")
    MutinyEmitter<byte[]> results;

    @Inject
    @Channel("style-progress")
    MutinyEmitter<byte[]> progress;

    private ExecutorService pool;
    private int concurrency;
    private final Map<String, AtomicBoolean> running = new ConcurrentHashMap<>();
    private final Map<String, Long> cancelled = new ConcurrentHashMap<>();
    private final AtomicInteger active = new AtomicInteger();

    @PostConstruct
    void start() {
        concurrency = config.limits().maxConcurrentJobs() > 0
                ? config.limits().maxConcurrentJobs()
                : Runtime.getRuntime().availableProcessors();
        AtomicInteger threads = new AtomicInteger();
        pool = Executors.newFixedThreadPool(concurrency, runnable -> {
            Thread thread = new Thread(runnable, "style-job-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    @PreDestroy
    void stop() {
        running.values().forEach(flag -> flag.set(true));
        pool.shutdownNow();
    }

    public int concurrency() {
        return concurrency;
    }

    public int active() {
        return active.get();
    }

    /**
     * Marks a job cancelled: a running job stops at its next iteration, a queued or later one when it starts.
     * {@code requestedAt} is when the cancellation was published: the cancellations topic is read from its
     * beginning at startup, and cancellations older than the memory window are ignored.
     */
    public void cancel(String requestId, long requestedAt) {
        long now = System.currentTimeMillis();
        if (requestedAt < now - REMEMBER_CANCEL_MS) {
            return;
        }
        cancelled.put(requestId, requestedAt);
        cancelled.values().removeIf(at -> at < now - REMEMBER_CANCEL_MS);
        AtomicBoolean flag = running.get(requestId);
        if (flag != null) {
            flag.set(true);
            LOG.infof("Cancelling style job %s", requestId);
        }
    }

    /** Publishes an error result for a request that was well formed but cannot be served. */
    public Uni<Void> reject(StyleRequested request, String code, String message) {
        return send(
                results,
                request.getRequestId(),
                base(request).setError(error(code, message)).build());
    }

    /** Runs the job on the pool; completes once its result (and every progress event) is on the broker. */
    public CompletableFuture<Void> submit(StyleJob job) {
        AtomicBoolean flag = running.computeIfAbsent(job.requestId(), id -> new AtomicBoolean());
        if (cancelled.containsKey(job.requestId())) {
            flag.set(true);
        }
        return CompletableFuture.supplyAsync(() -> run(job, flag), pool)
                .thenCompose(sent -> sent)
                .whenComplete((ignored, failure) -> running.remove(job.requestId(), flag));
    }

    private CompletableFuture<Void> run(StyleJob job, AtomicBoolean flag) {
        active.incrementAndGet();
        long start = System.nanoTime();
        List<CompletableFuture<Void>> sends = Collections.synchronizedList(new ArrayList<>());
        ImageStylised.Builder result = base(job.request());
        try {
            if (flag.get()) {
                result.setCancelled(true).setError(error("CANCELLED", "cancelled before it started"));
            } else if (job.fast()) {
                Raster image = fastStyles.apply(job.fastStyle(), job.content());
                result.setModel(ModelRef.newBuilder().setId("fast:" + job.fastStyle()));
                output(job, image, result);
            } else {
                result.setModel(ModelRef.newBuilder()
                        .setId(config.modelId())
                        .setVersion(gatys.gradientModel().path().getFileName().toString()));
                int previewSide = config.defaults().previewMaxSide();
                Gatys.Result painted = gatys.run(
                        job.content(),
                        job.styles(),
                        job.styleWeights(),
                        job.settings(),
                        (iteration, total, evaluation, current, elapsed) -> {
                            long elapsedMs = elapsed / 1_000_000;
                            StyleProgress.Builder event = StyleProgress.newBuilder()
                                    .setRequestId(job.requestId())
                                    .setProducedAt(now())
                                    .setIteration(iteration)
                                    .setTotalIterations(total)
                                    .setCost(evaluation.cost())
                                    .setContentCost(evaluation.contentCost())
                                    .setStyleCost(evaluation.styleCost())
                                    .setTvCost(evaluation.tvCost())
                                    .setElapsedMs(elapsedMs)
                                    .setEtaMs(elapsedMs * (total - iteration) / Math.max(1, iteration))
                                    .putAllAttributes(job.request().getAttributesMap());
                            if (previewSide > 0) {
                                event.setPreviewPng(ByteString.copyFrom(current.previewPng(previewSide)));
                            }
                            sends.add(send(progress, job.requestId(), event.build())
                                    .subscribeAsCompletionStage());
                        },
                        flag::get);
                result.setIterations(painted.iterations()).setCancelled(painted.cancelled());
                if (painted.last() != null) {
                    result.setFinalCost(painted.last().cost());
                }
                output(job, painted.image(), result);
            }
        } catch (ModelClosedException stopping) {
            // Stopping mid-job: no result, so the request stays uncommitted and is painted again after the restart.
            throw stopping;
        } catch (RuntimeException e) {
            LOG.errorf(e, "Style job %s failed", job.requestId());
            result.setError(error("STYLISATION_FAILED", String.valueOf(e.getMessage())));
        } finally {
            active.decrementAndGet();
        }
        result.setElapsedMs((System.nanoTime() - start) / 1_000_000);
        ImageStylised event = result.build();
        LOG.infof(
                "Style job %s: %s in %d ms%s",
                job.requestId(),
                event.hasError() ? event.getError().getCode() : event.getWidth() + "x" + event.getHeight(),
                event.getElapsedMs(),
                event.getCancelled() ? " (cancelled)" : "");
        // Progress first (it is already on its way), then the result, so a client sees them in order.
        return CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new))
                .thenCompose(ignored -> send(results, job.requestId(), event).subscribeAsCompletionStage());
    }

    private void output(StyleJob job, Raster image, ImageStylised.Builder result) {
        byte[] bytes = job.jpeg() ? image.jpeg(config.output().jpegQuality()) : image.png();
        String type = job.jpeg() ? "image/jpeg" : "image/png";
        result.setWidth(image.width()).setHeight(image.height());
        if (bytes.length <= config.output().inlineLimitBytes()) {
            result.setImage(ImageSource.newBuilder()
                    .setInline(ByteString.copyFrom(bytes))
                    .setContentType(type));
            return;
        }
        if (config.output().dir().isEmpty()) {
            result.setError(error(
                    "OUTPUT_TOO_LARGE",
                    "the picture is " + bytes.length + " bytes, over the inline limit of "
                            + config.output().inlineLimitBytes() + ", and no output folder is configured"));
            return;
        }
        try {
            Path dir = config.output().dir().get();
            Files.createDirectories(dir);
            String safe = job.requestId().replaceAll("[^A-Za-z0-9_.-]", "_");
            // Named after the request alone: a redelivered request rewrites the same file and sends the same URI.
            UUID ofRequest = UUID.nameUUIDFromBytes(job.requestId().getBytes(StandardCharsets.UTF_8));
            Path file = dir.resolve(safe + "-" + ofRequest + (job.jpeg() ? ".jpg" : ".png"));
            Files.write(file, bytes);
            result.setImage(ImageSource.newBuilder()
                    .setUri(file.toAbsolutePath().toUri().toString())
                    .setContentType(type));
        } catch (IOException e) {
            result.setError(error("OUTPUT_FAILED", "cannot write the picture: " + e.getMessage()));
        }
    }

    private static ImageStylised.Builder base(StyleRequested request) {
        return ImageStylised.newBuilder()
                .setRequestId(request.getRequestId())
                .setProducedAt(now())
                .putAllAttributes(request.getAttributesMap());
    }

    private static RequestError error(String code, String message) {
        return RequestError.newBuilder().setCode(code).setMessage(message).build();
    }

    private static Timestamp now() {
        Instant now = Instant.now();
        return Timestamp.newBuilder()
                .setSeconds(now.getEpochSecond())
                .setNanos(now.getNano())
                .build();
    }

    private static Uni<Void> send(MutinyEmitter<byte[]> emitter, String key, com.google.protobuf.Message event) {
        return Sends.send(emitter, OutgoingEvents.event(key, event, SOURCE));
    }
}
