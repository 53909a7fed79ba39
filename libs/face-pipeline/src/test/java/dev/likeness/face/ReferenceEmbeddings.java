package dev.likeness.face;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import dev.likeness.core.onnx.ModelsDirectory;

/**
 * The embeddings of every face of the six sample photos, by recognition network, as recorded in
 * {@code src/test/resources/reference-embeddings.tsv}: what a change of decoder, resampling or ONNX Runtime
 * must keep. One line per face: network, photo, face index, box (x1,y1,x2,y2), then the vector.
 *
 * <p>Record anew (only when a change of the embeddings is intended, and say why in the commit):
 * {@code ./mvnw -q -o -pl libs/face-pipeline test-compile org.codehaus.mojo:exec-maven-plugin:3.5.1:java -Dexec.classpathScope=test
 * -Dexec.mainClass=dev.likeness.face.ReferenceEmbeddings -Dexec.args=src/test/resources/reference-embeddings.tsv}
 */
public record ReferenceEmbeddings(String network, String photo, int face, DetectedFace box, float[] embedding) {

    static final List<String> NETWORKS = List.of(FaceNetworks.FR_FEATURE, FaceNetworks.DLIB);
    static final List<String> PHOTOS =
            List.of("sample1.jpg", "sample2.jpg", "sample3.jpg", "sample4.jpg", "sample5.jpg", "sample6.jpg");

    /**
     * Runs every network's pipeline on every sample photo, as the tests and the recorder do: one photo per
     * {@code analyseAll} call, or all of them in one call, which the pipeline splits into batches in flight.
     */
    static List<ReferenceEmbeddings> measure(Path models, boolean inOneCall) throws Exception {
        List<ReferenceEmbeddings> faces = new ArrayList<>();
        for (String network : NETWORKS) {
            try (FacePipeline pipeline = FacePipeline.open(FacePipelineConfig.defaults(models, network))) {
                List<List<AnalysedFace>> perPhoto = new ArrayList<>();
                if (inOneCall) {
                    List<PreparedImage> prepared = new ArrayList<>();
                    for (byte[] photo : photoBytes(models)) {
                        prepared.add(pipeline.prepare(photo, 0, 0));
                    }
                    pipeline.analyseAll(prepared).forEach(analysis -> perPhoto.add(analysis.faces()));
                } else {
                    for (byte[] photo : photoBytes(models)) {
                        perPhoto.add(pipeline.analyse(photo).faces());
                    }
                }
                for (int p = 0; p < PHOTOS.size(); p++) {
                    List<AnalysedFace> found = perPhoto.get(p);
                    for (int i = 0; i < found.size(); i++) {
                        faces.add(new ReferenceEmbeddings(
                                network,
                                PHOTOS.get(p),
                                i,
                                found.get(i).box(),
                                found.get(i).embedding()));
                    }
                }
            }
        }
        return faces;
    }

    /** The sample photos' bytes, in {@link #PHOTOS}' order, a fresh array each (a test may spoil one). */
    static List<byte[]> photoBytes(Path models) throws IOException {
        List<byte[]> photos = new ArrayList<>();
        for (String photo : PHOTOS) {
            photos.add(Files.readAllBytes(models.resolve("samples").resolve(photo)));
        }
        return photos;
    }

    static List<ReferenceEmbeddings> read(Path file) {
        try {
            return Files.readAllLines(file).stream()
                    .filter(line -> !line.isBlank() && !line.startsWith("#"))
                    .map(ReferenceEmbeddings::parse)
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ReferenceEmbeddings parse(String line) {
        String[] fields = line.split("\t");
        String[] box = fields[3].split(",");
        String[] values = fields[4].split(" ");
        float[] embedding = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            embedding[i] = Float.parseFloat(values[i]);
        }
        return new ReferenceEmbeddings(
                fields[0],
                fields[1],
                Integer.parseInt(fields[2]),
                new DetectedFace(
                        Float.parseFloat(box[0]),
                        Float.parseFloat(box[1]),
                        Float.parseFloat(box[2]),
                        Float.parseFloat(box[3]),
                        0),
                embedding);
    }

    private String format() {
        StringBuilder line = new StringBuilder(String.format(
                Locale.ROOT,
                "%s\t%s\t%d\t%.2f,%.2f,%.2f,%.2f\t",
                network,
                photo,
                face,
                box.x1(),
                box.y1(),
                box.x2(),
                box.y2()));
        for (int i = 0; i < embedding.length; i++) {
            // Six decimals: a rounding error under 1e-6 per component moves the cosine by far less than 1e-6.
            line.append(i == 0 ? "" : " ").append(String.format(Locale.ROOT, "%.6f", embedding[i]));
        }
        return line.toString();
    }

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        List<String> lines = new ArrayList<>();
        lines.add(
                "# network\tphoto\tface\tbox x1,y1,x2,y2\tL2-normalised embedding; written by ReferenceEmbeddings.main,"
                        + " ONNX Runtime "
                        + ai.onnxruntime.OrtEnvironment.getEnvironment().getVersion());
        measure(ModelsDirectory.locate(), false).forEach(face -> lines.add(face.format()));
        Files.write(file, lines);
        System.out.println("Wrote " + (lines.size() - 1) + " faces to " + file.toAbsolutePath());
    }
}
