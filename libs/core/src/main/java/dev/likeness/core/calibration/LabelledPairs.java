package dev.likeness.core.calibration;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/** Pairs from embeddings grouped by person (a folder per identity). */
public final class LabelledPairs {

    private LabelledPairs() {}

    /** Training and evaluation pairs from disjoint people: every other identity (in name order) trains. */
    public record Split(List<LabelledPair> training, List<LabelledPair> evaluation) {}

    public static Split splitByIdentity(
            Map<String, List<float[]>> embeddingsByIdentity, int maxSamePairsPerIdentity, long seed) {
        List<String> names = new ArrayList<>(embeddingsByIdentity.keySet());
        Collections.sort(names);
        Map<String, List<float[]>> training = new TreeMap<>();
        Map<String, List<float[]>> evaluation = new TreeMap<>();
        for (int i = 0; i < names.size(); i++) {
            (i % 2 == 0 ? training : evaluation).put(names.get(i), embeddingsByIdentity.get(names.get(i)));
        }
        return new Split(
                from(training, maxSamePairsPerIdentity, seed), from(evaluation, maxSamePairsPerIdentity, seed + 1));
    }

    /**
     * Every same-person pair (at most {@code maxSamePairsPerIdentity} per person), and as many
     * different-person pairs drawn at random with the given seed.
     */
    public static List<LabelledPair> from(
            Map<String, List<float[]>> embeddingsByIdentity, int maxSamePairsPerIdentity, long seed) {
        Random random = new Random(seed);
        List<String> names = new ArrayList<>(embeddingsByIdentity.keySet());
        Collections.sort(names);
        List<LabelledPair> pairs = new ArrayList<>();
        for (String name : names) {
            List<float[]> faces = embeddingsByIdentity.get(name);
            List<LabelledPair> same = new ArrayList<>();
            for (int i = 0; i < faces.size(); i++) {
                for (int j = i + 1; j < faces.size(); j++) {
                    same.add(new LabelledPair(faces.get(i), faces.get(j), true));
                }
            }
            Collections.shuffle(same, random);
            pairs.addAll(same.subList(0, Math.min(maxSamePairsPerIdentity, same.size())));
        }
        int wanted = pairs.size();
        if (names.size() < 2) {
            throw new IllegalArgumentException("different-person pairs need at least two identities");
        }
        for (int i = 0; i < wanted; i++) {
            int a = random.nextInt(names.size());
            int b = random.nextInt(names.size() - 1);
            if (b >= a) {
                b++;
            }
            List<float[]> first = embeddingsByIdentity.get(names.get(a));
            List<float[]> second = embeddingsByIdentity.get(names.get(b));
            pairs.add(new LabelledPair(
                    first.get(random.nextInt(first.size())), second.get(random.nextInt(second.size())), false));
        }
        return pairs;
    }
}
