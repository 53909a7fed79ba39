package dev.likeness.stylising.engine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import dev.likeness.core.onnx.FloatInput;
import dev.likeness.core.onnx.FloatTensor;
import dev.likeness.core.onnx.InferenceOptions;
import dev.likeness.core.onnx.OnnxModel;

/**
 * The fast engine: any feed-forward image-to-image ONNX network (one input, RGB 0..255 NCHW, batch 1, dynamic
 * height and width; first output the picture, same layout and range) in a folder, named by its file name
 * without {@code .onnx}. Networks open on first use and stay open. Pictures larger than the tile limit are
 * painted tile by tile with overlapping borders blended linearly, so memory stays bounded.
 */
public final class FastStyles implements AutoCloseable {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");

    private final Path folder;
    private final InferenceOptions options;
    private final int tileSize;
    private final int overlap;
    private final Map<String, OnnxModel> open = new ConcurrentHashMap<>();

    public FastStyles(Path folder, InferenceOptions options, int tileSize, int overlap) {
        if (tileSize < 16 || overlap < 0 || 2 * overlap >= tileSize) {
            throw new IllegalArgumentException("tile size " + tileSize + " and overlap " + overlap
                    + " must satisfy tile >= 16 and 0 <= 2 * overlap < tile");
        }
        this.folder = folder;
        this.options = options.toBuilder().warmUpRuns(0).build();
        this.tileSize = tileSize;
        this.overlap = overlap;
    }

    /** The style names available now (the folder is read on every call, so networks can be dropped in). */
    public SortedSet<String> names() {
        SortedSet<String> names = new TreeSet<>();
        if (!Files.isDirectory(folder)) {
            return names;
        }
        try (Stream<Path> files = Files.list(folder)) {
            files.map(path -> path.getFileName().toString())
                    .filter(name -> name.endsWith(".onnx"))
                    .map(name -> name.substring(0, name.length() - ".onnx".length()))
                    .filter(name -> NAME.matcher(name).matches())
                    .forEach(names::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return names;
    }

    public boolean exists(String name) {
        return NAME.matcher(name).matches() && Files.isRegularFile(folder.resolve(name + ".onnx"));
    }

    public Path folder() {
        return folder;
    }

    /** The network, opened on first use; empty when there is no such file. */
    public Optional<OnnxModel> network(String name) {
        if (!exists(name)) {
            return Optional.empty();
        }
        return Optional.of(open.computeIfAbsent(name, n -> OnnxModel.open(folder.resolve(n + ".onnx"), options)));
    }

    /** Paints {@code input} with the named network, tiled when it is larger than the tile limit. */
    public Raster apply(String name, Raster input) {
        OnnxModel model = network(name).orElseThrow(() -> new IllegalArgumentException("no fast style " + name));
        return tiled(tile -> runWhole(model, tile), input, tileSize, overlap);
    }

    /** One pass of the network over the whole raster; the output is resized back if the network changed the size. */
    public static Raster runWhole(OnnxModel model, Raster input) {
        String inputName = model.inputs().keySet().iterator().next();
        String outputName = model.outputs().keySet().iterator().next();
        FloatTensor out = model.run(
                        Map.of(inputName, FloatInput.of(FloatBuffer.wrap(input.data()), input.shape())),
                        java.util.Set.of(outputName))
                .get(outputName);
        long[] shape = out.shape();
        if (shape.length != 4 || shape[0] != 1 || shape[1] != 3) {
            throw new IllegalStateException(model.path().getFileName() + " returned shape "
                    + java.util.Arrays.toString(shape) + ", not 1x3xHxW");
        }
        Raster result = new Raster((int) shape[3], (int) shape[2], out.data());
        if (result.width() != input.width() || result.height() != input.height()) {
            result = result.resized(input.width(), input.height());
        }
        result.clamp();
        return result;
    }

    /**
     * Runs {@code network} on tiles of at most {@code tileSize} pixels a side that overlap by {@code overlap}
     * pixels; in each overlap the tiles' outputs are blended (see {@link #ramp}) and normalised by the summed
     * weights, so a network whose receptive-field radius is under a quarter of the overlap gives the untiled
     * result up to float rounding, and wider ones a smooth, seam-free approximation.
     */
    public static Raster tiled(UnaryOperator<Raster> network, Raster input, int tileSize, int overlap) {
        if (input.width() <= tileSize && input.height() <= tileSize) {
            return network.apply(input);
        }
        int width = input.width();
        int height = input.height();
        int plane = width * height;
        float[] sum = new float[3 * plane];
        float[] weights = new float[plane];
        int[] xs = starts(width, tileSize, overlap);
        int[] ys = starts(height, tileSize, overlap);
        for (int y0 : ys) {
            for (int x0 : xs) {
                int tw = Math.min(tileSize, width - x0);
                int th = Math.min(tileSize, height - y0);
                Raster tile = crop(input, x0, y0, tw, th);
                Raster out = network.apply(tile);
                for (int y = 0; y < th; y++) {
                    float wy = ramp(y, th, overlap, y0 > 0, y0 + th < height);
                    for (int x = 0; x < tw; x++) {
                        float w = wy * ramp(x, tw, overlap, x0 > 0, x0 + tw < width);
                        int target = (y0 + y) * width + x0 + x;
                        int source = y * tw + x;
                        weights[target] += w;
                        for (int c = 0; c < 3; c++) {
                            sum[c * plane + target] += w * out.data()[c * tw * th + source];
                        }
                    }
                }
            }
        }
        for (int i = 0; i < plane; i++) {
            float w = weights[i];
            for (int c = 0; c < 3; c++) {
                sum[c * plane + i] /= w;
            }
        }
        return new Raster(width, height, sum);
    }

    /** Tile origins along one axis: step tile - overlap, the last tile flush with the far edge. */
    static int[] starts(int length, int tile, int overlap) {
        if (length <= tile) {
            return new int[] {0};
        }
        int step = tile - overlap;
        int count = (int) Math.ceil((double) (length - tile) / step) + 1;
        int[] starts = new int[count];
        for (int i = 0; i < count; i++) {
            starts[i] = Math.min(i * step, length - tile);
        }
        return starts;
    }

    /**
     * Weight of position i in a tile of the given length. At an edge shared with a neighbour, the outer quarter of
     * the overlap (where the tile's padding shows in its output) gets weight 0, and the rest of the overlap a
     * linear ramp up to 1; the neighbour covers the same pixels from its interior.
     */
    private static float ramp(int i, int length, int overlap, boolean neighbourBefore, boolean neighbourAfter) {
        float w = 1f;
        if (overlap > 0) {
            int margin = overlap / 4;
            float span = overlap - margin;
            if (neighbourBefore && i < overlap) {
                w = Math.min(w, Math.max(0f, (i - margin + 0.5f) / span));
            }
            int fromEnd = length - 1 - i;
            if (neighbourAfter && fromEnd < overlap) {
                w = Math.min(w, Math.max(0f, (fromEnd - margin + 0.5f) / span));
            }
        }
        return w;
    }

    private static Raster crop(Raster input, int x0, int y0, int w, int h) {
        float[] out = new float[3 * w * h];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < h; y++) {
                System.arraycopy(
                        input.data(), c * input.plane() + (y0 + y) * input.width() + x0, out, c * w * h + y * w, w);
            }
        }
        return new Raster(w, h, out);
    }

    @Override
    public void close() {
        open.values().forEach(OnnxModel::close);
        open.clear();
    }
}
