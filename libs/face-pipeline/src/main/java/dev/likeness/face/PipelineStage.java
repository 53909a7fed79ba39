package dev.likeness.face;

/** The stages whose latency the pipeline reports. */
public enum PipelineStage {
    DECODE,
    DETECT,
    LANDMARKS,
    ALIGN,
    EMBED,
    /** The face-analysis networks a request asked for (age, gender, emotion, liveness). */
    ANALYSE;

    /**
     * Receives the time each stage took for a batch; services turn it into metrics. Called from every thread that runs
     * a batch, concurrently when several batches are in flight.
     */
    @FunctionalInterface
    public interface Listener {
        Listener NONE = (stage, items, nanos) -> {};

        void completed(PipelineStage stage, int items, long nanos);
    }
}
