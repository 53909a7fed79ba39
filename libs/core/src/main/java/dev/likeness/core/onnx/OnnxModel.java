package dev.likeness.core.onnx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import org.jboss.logging.Logger;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;

/**
 * One ONNX model loaded into ONNX Runtime, ready to run from any number of threads.
 *
 * <p>Open each model once per process and share it: loading and warming up cost far more than a
 * run, and {@code OrtSession.run} is thread-safe. All models share the process-wide
 * {@link OrtEnvironment}.
 *
 * <p>Closing waits for runs in progress and refuses later ones: freeing a native session under a
 * running inference crashes the JVM (seen at shutdown, when a consumer thread was still inside a run).
 */
public final class OnnxModel implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(OnnxModel.class);

    private final Path path;
    private final OrtSession session;
    private final ExecutionProvider provider;
    private final String fallbackReason;
    private final Map<String, TensorDescription> inputs;
    private final Map<String, TensorDescription> outputs;
    private final ReadWriteLock runsAndClose = new ReentrantReadWriteLock();
    private boolean closed;

    private OnnxModel(Path path, OrtSession session, ExecutionProvider provider, String fallbackReason) {
        this.path = path;
        this.session = session;
        this.provider = provider;
        this.fallbackReason = fallbackReason;
        try {
            this.inputs = describe(session.getInputInfo());
            this.outputs = describe(session.getOutputInfo());
        } catch (OrtException e) {
            close();
            throw new ModelLoadException("Cannot read the inputs and outputs of " + path + ": " + e.getMessage(), e);
        }
    }

    /**
     * Loads the model with the given options and runs the configured warm-up.
     *
     * @throws ModelLoadException                    the file is missing, unreadable or not a loadable model
     * @throws ExecutionProviderUnavailableException CUDA was asked for, cannot be used here, and CPU fallback
     *                                               is not allowed
     */
    public static OnnxModel open(Path path, InferenceOptions options) {
        Path absolute = path.toAbsolutePath().normalize();
        requireReadableFile(absolute);
        OnnxModel model = options.provider() == ExecutionProvider.CUDA
                ? openOnCuda(absolute, options)
                : new OnnxModel(absolute, createSession(absolute, options, false), ExecutionProvider.CPU, null);
        try {
            model.warmUp(options);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
        return model;
    }

    /** Loads the model on CPU with default options. */
    public static OnnxModel open(Path path) {
        return open(path, InferenceOptions.defaults());
    }

    private static OnnxModel openOnCuda(Path path, InferenceOptions options) {
        try {
            return new OnnxModel(path, createSession(path, options, true), ExecutionProvider.CUDA, null);
        } catch (CudaUnavailable unavailable) {
            String cause = unavailable.getCause().getMessage();
            if (!options.allowCpuFallback()) {
                throw new ExecutionProviderUnavailableException(
                        "CUDA execution provider requested but cannot be loaded: " + cause + ". Build with -Pcuda"
                                + " (onnxruntime_gpu) on a machine with a CUDA GPU, or set allow-cpu-fallback=true"
                                + " in the inference configuration to run on CPU instead (model " + path + ")",
                        unavailable.getCause());
            }
            LOG.warnf(
                    "!!! CUDA execution provider requested but cannot be loaded: %s. FALLING BACK TO CPU for %s"
                            + " because allow-cpu-fallback=true: expect much lower throughput !!!",
                    cause, path);
            return new OnnxModel(path, createSession(path, options, false), ExecutionProvider.CPU, cause);
        }
    }

    private static void requireReadableFile(Path path) {
        if (!Files.exists(path)) {
            throw new ModelLoadException(
                    "ONNX model not found: " + path + " (run `make models` to fetch the pretrained networks)");
        }
        if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
            throw new ModelLoadException("ONNX model is not a readable file: " + path
                    + " (check its permissions, or run `make models` to fetch it again)");
        }
    }

    private static OrtSession createSession(Path path, InferenceOptions options, boolean cuda) {
        try (OrtSession.SessionOptions sessionOptions = new OrtSession.SessionOptions()) {
            sessionOptions.setIntraOpNumThreads(options.effectiveIntraOpThreads());
            sessionOptions.setInterOpNumThreads(options.interOpThreads());
            // A service runs several models one after another; spinning idle threads of one session would
            // steal the cores the next session needs (measured with EmbeddingBench).
            sessionOptions.addConfigEntry("session.intra_op.allow_spinning", "0");
            if (SharedThreadPool.inUse()) {
                sessionOptions.disablePerSessionThreads();
            }
            if (cuda) {
                addCuda(sessionOptions, options.cudaDeviceId());
            }
            return OrtEnvironment.getEnvironment().createSession(path.toString(), sessionOptions);
        } catch (OrtException e) {
            // With the GPU jar, a missing driver or device only shows when the session is created.
            if (cuda && mentionsCuda(e)) {
                throw new CudaUnavailable(e);
            }
            throw new ModelLoadException(
                    "ONNX Runtime cannot load the model " + path + ": " + e.getMessage()
                            + " (is the file complete? `make models` fetches and verifies it)",
                    e);
        }
    }

    private static void addCuda(OrtSession.SessionOptions sessionOptions, int deviceId) {
        try {
            sessionOptions.addCUDA(deviceId);
        } catch (OrtException | RuntimeException | LinkageError e) {
            throw new CudaUnavailable(e);
        }
    }

    private static boolean mentionsCuda(OrtException e) {
        String message = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
        return message.contains("cuda") || message.contains("cudnn") || message.contains("cublas");
    }

    /** Signals, inside this class only, that the CUDA provider failed rather than the model. */
    private static final class CudaUnavailable extends RuntimeException {
        CudaUnavailable(Throwable cause) {
            super(cause);
        }
    }

    private static Map<String, TensorDescription> describe(Map<String, NodeInfo> nodes) {
        Map<String, TensorDescription> descriptions = new LinkedHashMap<>();
        nodes.forEach((name, node) -> {
            if (node.getInfo() instanceof TensorInfo info) {
                descriptions.put(
                        name, new TensorDescription(name, info.type.name(), info.getShape(), info.getDimensionNames()));
            } else {
                descriptions.put(
                        name, new TensorDescription(name, node.getInfo().toString(), new long[0], new String[0]));
            }
        });
        return Collections.unmodifiableMap(descriptions);
    }

    private void warmUp(InferenceOptions options) {
        if (options.warmUpRuns() == 0) {
            return;
        }
        long start = System.nanoTime();
        List<OnnxTensor> zeros = new ArrayList<>();
        try {
            Map<String, OnnxTensor> feed = new LinkedHashMap<>();
            for (TensorDescription input : inputs.values()) {
                long[] shape = options.warmUpShapes().getOrDefault(input.name(), concrete(input.shape()));
                OnnxTensor tensor = zeroTensor(input, shape);
                zeros.add(tensor);
                feed.put(input.name(), tensor);
            }
            for (int run = 0; run < options.warmUpRuns(); run++) {
                session.run(feed).close();
            }
        } catch (OrtException e) {
            throw new ModelLoadException(
                    "Warm-up of " + path + " failed: " + e.getMessage()
                            + " (set a warm-up shape for inputs with symbolic height/width)",
                    e);
        } finally {
            zeros.forEach(OnnxTensor::close);
        }
        LOG.infof(
                "Warmed up %s on %s with %d run(s) in %d ms",
                path.getFileName(), provider, options.warmUpRuns(), (System.nanoTime() - start) / 1_000_000);
    }

    private static long[] concrete(long[] declared) {
        long[] shape = declared.clone();
        for (int axis = 0; axis < shape.length; axis++) {
            if (shape[axis] < 0) {
                shape[axis] = 1;
            }
        }
        return shape;
    }

    private static OnnxTensor zeroTensor(TensorDescription input, long[] shape) throws OrtException {
        OnnxJavaType type = OnnxJavaType.valueOf(input.elementType());
        if (type == OnnxJavaType.STRING || type == OnnxJavaType.UNKNOWN) {
            throw new ModelLoadException("Cannot warm up " + input + ": only numeric tensor inputs are supported");
        }
        int bytes = Math.toIntExact(FloatInput.elementCount(shape) * type.size);
        ByteBuffer buffer = ByteBuffer.allocateDirect(bytes).order(ByteOrder.nativeOrder());
        return OnnxTensor.createTensor(OrtEnvironment.getEnvironment(), buffer, shape, type);
    }

    /**
     * Runs the model on float inputs and copies out every float output.
     *
     * @param inputs by input name; every input of the model must be given
     * @return outputs by name, in the model's output order
     */
    public Map<String, FloatTensor> run(Map<String, FloatInput> inputs) {
        return run(inputs, outputs.keySet());
    }

    /** Runs the model and copies out only the named outputs (the others are not computed if not needed). */
    public Map<String, FloatTensor> run(Map<String, FloatInput> inputs, Set<String> outputNames) {
        for (String name : outputNames) {
            if (!outputs.containsKey(name)) {
                throw new IllegalArgumentException("Model " + path.getFileName() + " has no output '" + name
                        + "'; its outputs are " + outputs.keySet());
            }
        }
        runsAndClose.readLock().lock();
        Map<String, OnnxTensor> feed = new LinkedHashMap<>();
        try {
            if (closed) {
                throw new ModelClosedException("Model " + path.getFileName() + " is closed (the service is stopping)");
            }
            for (Map.Entry<String, FloatInput> input : inputs.entrySet()) {
                if (!this.inputs.containsKey(input.getKey())) {
                    throw new IllegalArgumentException("Model " + path.getFileName() + " has no input '"
                            + input.getKey() + "'; its inputs are " + this.inputs.keySet());
                }
                feed.put(input.getKey(), toTensor(input.getValue()));
            }
            try (OrtSession.Result result = session.run(feed, new LinkedHashSet<>(outputNames))) {
                Map<String, FloatTensor> copied = new LinkedHashMap<>();
                for (String name : outputNames) {
                    copied.put(name, copyFloats(name, result.get(name).orElseThrow()));
                }
                return copied;
            }
        } catch (OrtException e) {
            throw new InferenceException("Running " + path.getFileName() + " failed: " + e.getMessage(), e);
        } finally {
            feed.values().forEach(OnnxTensor::close);
            runsAndClose.readLock().unlock();
        }
    }

    /** Runs a model with a single input and returns its first output, the common case for these networks. */
    public FloatTensor run(FloatBuffer data, long... shape) {
        String output = outputs.keySet().iterator().next();
        return run(FloatInput.of(data, shape), Set.of(output)).get(output);
    }

    /** Runs a model with a single input and copies out the named outputs. */
    public Map<String, FloatTensor> run(FloatInput input, Set<String> outputNames) {
        return run(Map.of(singleInputName(), input), outputNames);
    }

    private String singleInputName() {
        if (inputs.size() != 1) {
            throw new IllegalStateException(
                    "Model " + path.getFileName() + " has inputs " + inputs.keySet() + "; name them with run(Map)");
        }
        return inputs.keySet().iterator().next();
    }

    private static OnnxTensor toTensor(FloatInput input) throws OrtException {
        FloatBuffer data = input.data().duplicate();
        if (data.isDirect() && data.order() != ByteOrder.nativeOrder()) {
            // ONNX Runtime reads a direct buffer's bytes as they are: copy into native order first.
            FloatBuffer nativeOrder = FloatInput.allocate(input.shape());
            nativeOrder.put(data).flip();
            data = nativeOrder;
        }
        return OnnxTensor.createTensor(OrtEnvironment.getEnvironment(), data, input.shape());
    }

    private FloatTensor copyFloats(String name, OnnxValue value) {
        if (!(value instanceof OnnxTensor tensor) || tensor.getInfo().type != OnnxJavaType.FLOAT) {
            throw new IllegalStateException("Output '" + name + "' of " + path.getFileName() + " is " + value.getInfo()
                    + ", not a float tensor");
        }
        // getFloatBuffer already copies the native output into a new heap buffer: its array is ours to keep.
        FloatBuffer buffer = tensor.getFloatBuffer();
        float[] data;
        if (buffer.hasArray() && buffer.arrayOffset() == 0 && buffer.array().length == buffer.remaining()) {
            data = buffer.array();
        } else {
            data = new float[buffer.remaining()];
            buffer.get(data);
        }
        return new FloatTensor(data, tensor.getInfo().getShape());
    }

    public Path path() {
        return path;
    }

    /** Inputs by name, in the graph's order. */
    public Map<String, TensorDescription> inputs() {
        return inputs;
    }

    /** Outputs by name, in the graph's order; e.g. the embedding size is {@code outputs().get("output").dimension(1)}. */
    public Map<String, TensorDescription> outputs() {
        return outputs;
    }

    public TensorDescription input(String name) {
        return require(inputs, name, "input");
    }

    public TensorDescription output(String name) {
        return require(outputs, name, "output");
    }

    private TensorDescription require(Map<String, TensorDescription> tensors, String name, String kind) {
        TensorDescription description = tensors.get(name);
        if (description == null) {
            throw new IllegalArgumentException(
                    "Model " + path.getFileName() + " has no " + kind + " '" + name + "'; it has " + tensors.keySet());
        }
        return description;
    }

    /** The provider the session really runs on: CPU after a fallback even when CUDA was asked for. */
    public ExecutionProvider provider() {
        return provider;
    }

    /** True when CUDA was asked for but could not be loaded and the options allowed running on CPU. */
    public boolean fellBackToCpu() {
        return fallbackReason != null;
    }

    /** Why CUDA could not be used, for health reports; empty unless {@link #fellBackToCpu()}. */
    public Optional<String> fallbackReason() {
        return Optional.ofNullable(fallbackReason);
    }

    @Override
    public void close() {
        runsAndClose.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            session.close();
        } catch (OrtException e) {
            LOG.warnf(e, "Closing the session of %s failed", path);
        } finally {
            runsAndClose.writeLock().unlock();
        }
    }

    @Override
    public String toString() {
        return "OnnxModel[" + path.getFileName() + " on " + provider + (fellBackToCpu() ? " (CPU fallback)" : "")
                + ", inputs " + inputs.values() + ", outputs " + outputs.values() + ']';
    }
}
