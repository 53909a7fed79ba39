package dev.likeness.stylising;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import dev.likeness.events.v1.ImageStylised;
import dev.likeness.events.v1.StyleProgress;

/**
 * Schedules style jobs on a fixed pool (max-concurrent-jobs, default one per core; further jobs queue) and
 * cancels them by request id. The painting is the {@link Painter}'s, the publishing the caller's.
 */
@ApplicationScoped
public class StyleJobs {

    private static final Logger LOG = Logger.getLogger(StyleJobs.class);
    /** Cancellations of jobs this replica has not seen are remembered this long after they were published (the job may still arrive). */
    private static final long REMEMBER_CANCEL_MS = 3_600_000;

    @Inject
    StylisingConfig config;

    @Inject
    Painter painter;

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

    /**
     * Paints the job on the pool, handing each progress event to {@code progress} (on the job's thread); the
     * future completes with the result, or exceptionally when the service stops mid-job.
     */
    public CompletableFuture<ImageStylised> submit(StyleJob job, Consumer<StyleProgress> progress) {
        AtomicBoolean flag = running.computeIfAbsent(job.requestId(), id -> new AtomicBoolean());
        if (cancelled.containsKey(job.requestId())) {
            flag.set(true);
        }
        return CompletableFuture.supplyAsync(
                        () -> {
                            active.incrementAndGet();
                            try {
                                return painter.paint(job, progress, flag::get);
                            } finally {
                                active.decrementAndGet();
                            }
                        },
                        pool)
                .whenComplete((ignored, failure) -> running.remove(job.requestId(), flag));
    }
}
