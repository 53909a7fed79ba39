package dev.likeness.matching.tools;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

import dev.likeness.core.calibration.LabelledPair;
import dev.likeness.matching.search.VectorMath;

/** LFW's pair files and the operating points the calibration tools report from them. */
final class LfwPairs {

    /** Two photos and whether they show the same person. */
    record PhotoPair(Path first, Path second, boolean same) {}

    /** A distance threshold at a false-accept rate over all pairs, and the false-reject rate there. */
    record Operating(double far, float tau, double frr) {}

    private LfwPairs() {}

    /** A count line, then "name i j" (same) or "name1 i name2 j" (different); photos are images/NAME/NAME_000i.jpg. */
    static List<PhotoPair> read(Path file, Path images) throws IOException {
        List<PhotoPair> pairs = new ArrayList<>();
        List<String> lines = Files.readAllLines(file);
        for (String line : lines.subList(1, lines.size())) {
            String[] fields = line.trim().split("\\s+");
            if (fields.length == 3) {
                pairs.add(
                        new PhotoPair(photo(images, fields[0], fields[1]), photo(images, fields[0], fields[2]), true));
            } else if (fields.length == 4) {
                pairs.add(
                        new PhotoPair(photo(images, fields[0], fields[1]), photo(images, fields[2], fields[3]), false));
            }
        }
        return pairs;
    }

    /** The pairs whose two photos both have an embedding. */
    static List<LabelledPair> labelled(List<PhotoPair> pairs, Function<Path, float[]> embeddings) {
        List<LabelledPair> labelled = new ArrayList<>();
        for (PhotoPair pair : pairs) {
            float[] first = embeddings.apply(pair.first());
            float[] second = embeddings.apply(pair.second());
            if (first != null && second != null) {
                labelled.add(new LabelledPair(first, second, pair.same()));
            }
        }
        return labelled;
    }

    /**
     * The pair files hold too few different pairs to place a threshold at a low false-accept rate: compare every
     * embedded photo with every other one (identity = its folder) and give the distance threshold at each rate,
     * with the false-reject rate over all same-person pairs.
     */
    static List<Operating> allPairs(Map<Path, float[]> embedded, double... fars) {
        List<String> identities = new ArrayList<>();
        List<float[]> faces = new ArrayList<>();
        embedded.forEach((photo, face) -> {
            identities.add(photo.getParent().getFileName().toString());
            faces.add(face);
        });
        int n = faces.size();
        float[] different = new float[n * (n - 1) / 2];
        List<Float> sameDistances = new ArrayList<>();
        int count = 0;
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                float distance = VectorMath.squaredDistanceOfUnitVectors(VectorMath.dot(faces.get(i), faces.get(j)));
                if (identities.get(i).equals(identities.get(j))) {
                    sameDistances.add(distance);
                } else {
                    different[count++] = distance;
                }
            }
        }
        float[] sorted = Arrays.copyOf(different, count);
        Arrays.sort(sorted);
        System.out.printf(
                Locale.ROOT,
                "all photos of both files: %d photos, %d same-person and %d different-person pairs%n",
                n,
                sameDistances.size(),
                count);
        List<Operating> points = new ArrayList<>();
        for (double far : fars) {
            // Accept at most far * count different pairs: tau sits just below the next one.
            float tau = Math.nextDown(sorted[(int) Math.floor(far * count)]);
            long rejected =
                    sameDistances.stream().filter(distance -> distance > tau).count();
            points.add(new Operating(far, tau, (double) rejected / sameDistances.size()));
        }
        return points;
    }

    private static Path photo(Path images, String name, String number) {
        return images.resolve(name).resolve(String.format(Locale.ROOT, "%s_%04d.jpg", name, Integer.parseInt(number)));
    }
}
