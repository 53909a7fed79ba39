package dev.likeness.core.onnx;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;

/**
 * ONNX Runtime's process-wide thread pool: one set of intra-op (and inter-op) threads that every session opened
 * afterwards runs on, instead of a pool per session. A service runs its networks one after another, so one pool
 * sized for the cores serves all of them, and fewer threads wait for work.
 *
 * <p>It lives in the {@link OrtEnvironment}, which exists once per process: {@link #use} must come before any model is
 * opened or tensor created, and sessions opened after it ignore their own thread counts.
 */
public final class SharedThreadPool {

    private static volatile boolean inUse;

    private SharedThreadPool() {}

    /**
     * Creates the process's ONNX Runtime environment with one global pool; 0 threads lets ONNX Runtime choose (one
     * per physical core). Idle threads sleep rather than spin, as the per-session pools do here (see OnnxModel).
     *
     * @throws IllegalStateException the environment already exists (a model was opened first), without the pool
     */
    public static synchronized void use(int intraOpThreads, int interOpThreads) {
        if (inUse) {
            return;
        }
        try (OrtEnvironment.ThreadingOptions threading = new OrtEnvironment.ThreadingOptions()) {
            threading.setGlobalIntraOpNumThreads(intraOpThreads);
            threading.setGlobalInterOpNumThreads(interOpThreads);
            threading.setGlobalSpinControl(false);
            OrtEnvironment.getEnvironment(OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING, "likeness", threading);
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime refused the shared thread pool: " + e.getMessage(), e);
        } catch (IllegalStateException e) {
            throw new IllegalStateException(
                    "The shared ONNX Runtime thread pool must be set up before any model is opened", e);
        }
        inUse = true;
    }

    /** Whether sessions run on the shared pool (their per-session threads disabled). */
    public static boolean inUse() {
        return inUse;
    }
}
