package dev.likeness.insight;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import javax.imageio.ImageIO;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.likeness.core.image.ImageDecoder;
import dev.likeness.core.onnx.FloatTensor;
import dev.likeness.onnx.tools.receptive.ReceptiveField;

/**
 * Zeiler and Fergus' view of what a layer learned: for each unit (channel), the {@value #TOP} spatial positions over
 * a corpus where it fires most, with the receptive-field patch of the input each one sees. Images are added one at a
 * time; each unit keeps a bounded min-heap, so memory does not grow with the corpus.
 */
public final class UnitAtlas {

    public static final int TOP = 9;

    /** 2: the photos run ({@link #photoRun}) after the image names. */
    private static final int CHECKPOINT_VERSION = 2;

    /** One position of one image where a unit fired. */
    public record Hit(float activation, int image, int row, int column) {}

    private static final Comparator<Hit> WEAKEST_FIRST = Comparator.comparingDouble(Hit::activation);

    private final LayerExtractor extractor;
    private final ImageDecoder decoder;
    private final int longSide;
    private final List<Path> images = new ArrayList<>();
    private final List<String> names = new ArrayList<>();
    private final Set<String> nameSet = new HashSet<>();
    private final Set<String> photosRun = new LinkedHashSet<>();
    private final Map<String, List<PriorityQueue<Hit>>> heaps = new LinkedHashMap<>();

    /**
     * @param longSide every image is scaled so its longer side has this many pixels before it is run
     */
    public UnitAtlas(LayerExtractor extractor, ImageDecoder decoder, int longSide) {
        this.extractor = extractor;
        this.decoder = decoder;
        this.longSide = longSide;
    }

    /** Runs one image and offers every position of every unit to that unit's heap; index.json names it by its file name. */
    public void add(Path file) throws IOException {
        add(file, file.getFileName().toString());
    }

    /** As {@link #add(Path)}, with the name index.json gives the image (a corpus in subfolders: its relative path). */
    public void add(Path file, String name) throws IOException {
        InsightImage image = InsightImage.load(file, decoder, longSide);
        int index = images.size();
        images.add(file);
        names.add(name);
        nameSet.add(name);
        Map<String, FloatTensor> maps = extractor.run(image);
        for (String layer : extractor.layers()) {
            FloatTensor map = maps.get(layer);
            int channels = map.dimension(1), rows = map.dimension(2), columns = map.dimension(3);
            List<PriorityQueue<Hit>> units = heaps.computeIfAbsent(layer, key -> new ArrayList<>());
            while (units.size() < channels) {
                units.add(new PriorityQueue<>(TOP + 1, WEAKEST_FIRST));
            }
            float[] values = map.data();
            for (int unit = 0; unit < channels; unit++) {
                PriorityQueue<Hit> heap = units.get(unit);
                int offset = unit * rows * columns;
                for (int position = 0; position < rows * columns; position++) {
                    float value = values[offset + position];
                    if (heap.size() < TOP || value > heap.peek().activation()) {
                        heap.add(new Hit(value, index, position / columns, position % columns));
                        if (heap.size() > TOP) {
                            heap.poll();
                        }
                    }
                }
            }
        }
    }

    public int imageCount() {
        return images.size();
    }

    /** Whether an image of this name was added, in this run or in the run a checkpoint was saved from. */
    public boolean contains(String name) {
        return nameSet.contains(name);
    }

    /**
     * Records that a photo of the corpus was run, whatever it gave (a face network's atlas: the faces found in it, or
     * none), so that a job going on from a checkpoint does not read it again.
     */
    public void photoRun(String photo) {
        photosRun.add(photo);
    }

    /** Whether {@link #photoRun} recorded the photo, in this run or in the run a checkpoint was saved from. */
    public boolean ran(String photo) {
        return photosRun.contains(photo);
    }

    /**
     * Saves what the atlas has seen (the network, size, layers, image names, photos run and every unit's kept hits)
     * into one
     * file, replaced atomically, so a later run can go on with {@link #resume} instead of starting again.
     */
    public void checkpoint(Path file) throws IOException {
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(partial)))) {
            out.writeInt(CHECKPOINT_VERSION);
            out.writeUTF(extractor.network());
            out.writeInt(longSide);
            out.writeInt(names.size());
            for (String name : names) {
                out.writeUTF(name);
            }
            out.writeInt(photosRun.size());
            for (String photo : photosRun) {
                out.writeUTF(photo);
            }
            out.writeInt(heaps.size());
            for (Map.Entry<String, List<PriorityQueue<Hit>>> layer : heaps.entrySet()) {
                out.writeUTF(layer.getKey());
                out.writeInt(layer.getValue().size());
                for (PriorityQueue<Hit> unit : layer.getValue()) {
                    out.writeInt(unit.size());
                    for (Hit hit : unit) {
                        // Activations as bits: the resumed heaps compare exactly as the saved ones did.
                        out.writeFloat(hit.activation());
                        out.writeInt(hit.image());
                        out.writeInt(hit.row());
                        out.writeInt(hit.column());
                    }
                }
            }
        }
        Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Goes on from a {@link #checkpoint}: this atlas must be new and have the checkpoint's network, size and layers;
     * the checkpoint's images are found again under {@code corpus} by their names.
     */
    public void resume(Path checkpoint, Path corpus) throws IOException {
        if (!images.isEmpty()) {
            throw new IllegalStateException("Only a new atlas can resume from a checkpoint");
        }
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(checkpoint)))) {
            String network = network(in, checkpoint);
            int savedLongSide = in.readInt();
            if (!network.equals(extractor.network()) || savedLongSide != longSide) {
                throw new IllegalArgumentException(checkpoint + " holds an atlas of " + network + " at " + savedLongSide
                        + " px, not of " + extractor.network() + " at " + longSide + " px");
            }
            int imageCount = in.readInt();
            for (int index = 0; index < imageCount; index++) {
                String name = in.readUTF();
                images.add(corpus.resolve(name));
                names.add(name);
                nameSet.add(name);
            }
            int photoCount = in.readInt();
            for (int index = 0; index < photoCount; index++) {
                photosRun.add(in.readUTF());
            }
            int layerCount = in.readInt();
            Map<String, List<PriorityQueue<Hit>>> saved = new LinkedHashMap<>();
            for (int layer = 0; layer < layerCount; layer++) {
                String name = in.readUTF();
                List<PriorityQueue<Hit>> units = new ArrayList<>();
                int unitCount = in.readInt();
                for (int unit = 0; unit < unitCount; unit++) {
                    PriorityQueue<Hit> heap = new PriorityQueue<>(TOP + 1, WEAKEST_FIRST);
                    int hits = in.readInt();
                    for (int hit = 0; hit < hits; hit++) {
                        heap.add(new Hit(in.readFloat(), in.readInt(), in.readInt(), in.readInt()));
                    }
                    units.add(heap);
                }
                saved.put(name, units);
            }
            if (imageCount > 0 && !List.copyOf(saved.keySet()).equals(extractor.layers())) {
                throw new IllegalArgumentException(
                        checkpoint + " holds layers " + saved.keySet() + ", not " + extractor.layers());
            }
            heaps.putAll(saved);
        }
    }

    /** The network a {@link #checkpoint} was saved from. */
    public static String network(Path checkpoint) throws IOException {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(checkpoint)))) {
            return network(in, checkpoint);
        }
    }

    private static String network(DataInputStream in, Path checkpoint) throws IOException {
        if (in.readInt() != CHECKPOINT_VERSION) {
            throw new IllegalArgumentException(checkpoint + " is not an atlas checkpoint of this version");
        }
        return in.readUTF();
    }

    public List<String> layers() {
        return extractor.layers();
    }

    /** The units of a layer (after the first image). */
    public int units(String layer) {
        return heaps.getOrDefault(layer, List.of()).size();
    }

    /** A unit's kept positions, strongest first. */
    public List<Hit> top(String layer, int unit) {
        List<Hit> hits = new ArrayList<>(heaps.get(layer).get(unit));
        hits.sort(WEAKEST_FIRST.reversed());
        return hits;
    }

    /**
     * Writes {@code index.json} (per layer: its receptive field, per unit the hits with their input windows) and one
     * PNG grid per layer: units in rows of {@code unitsPerRow}, each a 3x3 block of its patches, strongest first,
     * every patch its whole receptive field scaled to {@code cell} px (grey where the field leaves the picture).
     */
    public void write(Path folder, int cell, int unitsPerRow) throws IOException {
        if (images.isEmpty()) {
            throw new IllegalStateException("The atlas has no images");
        }
        Files.createDirectories(folder);
        Map<Integer, InsightImage> loaded = new HashMap<>();
        List<Map<String, Object>> layerEntries = new ArrayList<>();
        for (String layer : extractor.layers()) {
            ReceptiveField field = extractor.field(layer);
            int units = units(layer);
            int columns = Math.min(unitsPerRow, units);
            int block = 3 * cell + 2 * PATCH_GAP + BLOCK_GAP;
            BufferedImage grid = new BufferedImage(
                    columns * block, (units + columns - 1) / columns * block, BufferedImage.TYPE_INT_RGB);
            Graphics2D graphics = grid.createGraphics();
            graphics.setColor(Color.WHITE);
            graphics.fillRect(0, 0, grid.getWidth(), grid.getHeight());
            graphics.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            List<Map<String, Object>> unitEntries = new ArrayList<>();
            for (int unit = 0; unit < units; unit++) {
                drawUnit(graphics, layer, unit, unit % columns * block, unit / columns * block, cell, loaded);
                List<Map<String, Object>> hitEntries = new ArrayList<>();
                for (Hit hit : top(layer, unit)) {
                    InsightImage image = loaded.computeIfAbsent(hit.image(), this::reload);
                    Map<String, Object> entry = new LinkedHashMap<>();
                    entry.put("activation", hit.activation());
                    entry.put("image", names.get(hit.image()));
                    entry.put("row", hit.row());
                    entry.put("column", hit.column());
                    entry.put("window", field.window(hit.row(), hit.column(), image.height(), image.width()));
                    hitEntries.add(entry);
                }
                unitEntries.add(Map.of("unit", unit, "hits", hitEntries));
            }
            graphics.dispose();
            String gridFile = layer + ".png";
            ImageIO.write(grid, "png", folder.resolve(gridFile).toFile());
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("layer", layer);
            entry.put(
                    "field",
                    Map.of(
                            "stride",
                            field.rows().stride(),
                            "size",
                            field.rows().size(),
                            "start",
                            field.rows().start()));
            entry.put("grid", gridFile);
            entry.put("cell", cell);
            // Unit u's 3x3 block starts at (u % unitsPerRow, u / unitsPerRow) * block; its patches are patchGap apart.
            entry.put("block", block);
            entry.put("patchGap", PATCH_GAP);
            entry.put("unitsPerRow", columns);
            entry.put("units", unitEntries);
            layerEntries.add(entry);
        }
        Map<String, Object> index = new LinkedHashMap<>();
        index.put("network", extractor.network());
        index.put("longSide", longSide);
        index.put("images", names);
        index.put("layers", layerEntries);
        new ObjectMapper()
                .enable(SerializationFeature.INDENT_OUTPUT)
                .writeValue(folder.resolve("index.json").toFile(), index);
    }

    /**
     * Writes one PNG with {@code unitsPerLayer} units of every layer in a row, each a 3x3 block of its patches: the
     * units whose nine patches come from the most different photos (ties: the strongest), so a small corpus shows
     * what a unit responds to rather than one photo's neighbouring positions.
     */
    public void writeFigure(Path file, int unitsPerLayer, int cell) throws IOException {
        if (images.isEmpty()) {
            throw new IllegalStateException("The atlas has no images");
        }
        int block = 3 * cell + 2 * PATCH_GAP + BLOCK_GAP;
        List<String> layers = extractor.layers();
        BufferedImage figure = new BufferedImage(
                LABEL_WIDTH + unitsPerLayer * block, layers.size() * block, BufferedImage.TYPE_INT_RGB);
        Graphics2D graphics = figure.createGraphics();
        graphics.setColor(Color.WHITE);
        graphics.fillRect(0, 0, figure.getWidth(), figure.getHeight());
        graphics.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        graphics.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        Map<Integer, InsightImage> loaded = new HashMap<>();
        for (int row = 0; row < layers.size(); row++) {
            String layer = layers.get(row);
            graphics.setColor(Color.BLACK);
            graphics.drawString(layer, 4, row * block + 3 * cell / 2);
            List<Integer> units = new ArrayList<>();
            for (int unit = 0; unit < units(layer); unit++) {
                units.add(unit);
            }
            Comparator<Integer> diverse = Comparator.comparingLong(unit -> distinctImages(layer, unit));
            units.sort(
                    diverse.thenComparingDouble(unit -> top(layer, unit).get(0).activation())
                            .reversed());
            for (int column = 0; column < Math.min(unitsPerLayer, units.size()); column++) {
                drawUnit(graphics, layer, units.get(column), LABEL_WIDTH + column * block, row * block, cell, loaded);
            }
        }
        graphics.dispose();
        Files.createDirectories(file.toAbsolutePath().getParent());
        ImageIO.write(figure, "png", file.toFile());
    }

    private long distinctImages(String layer, int unit) {
        return top(layer, unit).stream().mapToInt(Hit::image).distinct().count();
    }

    /** A unit's patches, strongest first, as a 3x3 block with its top-left corner at (x, y). */
    private void drawUnit(
            Graphics2D graphics, String layer, int unit, int x, int y, int cell, Map<Integer, InsightImage> loaded) {
        ReceptiveField field = extractor.field(layer);
        List<Hit> hits = top(layer, unit);
        for (int rank = 0; rank < hits.size(); rank++) {
            Hit hit = hits.get(rank);
            InsightImage image = loaded.computeIfAbsent(hit.image(), this::reload);
            BufferedImage patch = image.crop(
                    field.rows().first(hit.row()),
                    field.columns().first(hit.column()),
                    field.rows().last(hit.row()),
                    field.columns().last(hit.column()));
            graphics.drawImage(
                    patch, x + rank % 3 * (cell + PATCH_GAP), y + rank / 3 * (cell + PATCH_GAP), cell, cell, null);
        }
    }

    private static final int LABEL_WIDTH = 80;
    private static final int PATCH_GAP = 1;
    private static final int BLOCK_GAP = 6;

    private InsightImage reload(int index) {
        try {
            return InsightImage.load(images.get(index), decoder, longSide);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read " + images.get(index) + " again for its patches", e);
        }
    }
}
