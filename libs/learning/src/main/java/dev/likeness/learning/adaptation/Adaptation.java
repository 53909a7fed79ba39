package dev.likeness.learning.adaptation;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;

import dev.likeness.learning.LabelledFaces;
import dev.likeness.learning.evaluation.Evaluation;

/**
 * Trains the linear head on frozen embeddings with the triplet loss: identities split into training, held-out
 * and test, batches of P identities x K photos, semi-hard negatives mined within each batch, Adam, and early
 * stopping on the held-out true-accept rate at FAR 1e-2: the last epoch with the best held-out rate is kept,
 * and training stops after {@code patience} epochs without reaching it.
 */
public final class Adaptation {

    /** The false-accept rate early stopping watches. */
    public static final double STOPPING_FAR = 1e-2;
    /** At most this many training photos enter the all-triplets loss (its cost grows with the cube). */
    public static final int MAX_LOSS_PHOTOS = 600;
    /** Enough different-person pairs for FAR 1e-2 to be resolved, cheap to score every epoch. */
    private static final int HELD_OUT_IMPOSTOR_PAIRS = 200_000;

    /**
     * @param dimension          K, the adapted embedding's length (at most the base model's)
     * @param margin             the triplet loss margin, in squared distance
     * @param heldOutFraction    share of identities held out for early stopping (at least two are)
     * @param testFraction       share of identities kept for the final figures only (at least two are): neither
     *                           training nor early stopping sees them
     * @param identitiesPerBatch P
     * @param photosPerIdentity  K photos per identity in a batch (fewer when an identity has fewer)
     */
    public record Settings(
            int dimension,
            double margin,
            double heldOutFraction,
            double testFraction,
            int maxEpochs,
            int patience,
            double learningRate,
            int identitiesPerBatch,
            int photosPerIdentity,
            long seed) {

        public static Settings defaults(int dimension) {
            return new Settings(dimension, 0.5, 0.3, 0.2, 40, 8, 5e-4, 8, 4, 7);
        }
    }

    /** One epoch's figures; epoch 0 is the head as initialised. */
    public record Epoch(int epoch, double trainingLoss, double heldOutTar, double heldOutAuc) {}

    /**
     * @param head             the head of the best epoch
     * @param trainingLossBase the all-triplets loss of the base embeddings on the training identities
     */
    public record Outcome(
            LinearHead head,
            int bestEpoch,
            List<Epoch> history,
            List<String> trainingIdentities,
            List<String> heldOutIdentities,
            List<String> testIdentities,
            double trainingLossBase) {

        public Epoch best() {
            return history.get(bestEpoch);
        }
    }

    private Adaptation() {}

    /**
     * Identities split by name with the seed into training, held-out and test: the held-out and test ones never
     * reach training, and the test ones never reach early stopping either.
     */
    public static List<List<String>> split(
            LabelledFaces faces, double heldOutFraction, double testFraction, long seed) {
        List<String> names = new ArrayList<>(faces.byIdentity().keySet());
        int test = Math.max(2, (int) Math.round(testFraction * names.size()));
        int heldOut = Math.max(2, (int) Math.round(heldOutFraction * names.size()));
        if (names.size() - test - heldOut < 2) {
            throw new IllegalArgumentException(String.format(
                    Locale.ROOT,
                    "adaptation needs at least two identities to train after %d held out and %d for the test, found %d",
                    heldOut,
                    test,
                    names.size()));
        }
        Collections.shuffle(names, new Random(seed));
        List<List<String>> split = List.of(
                new ArrayList<>(names.subList(test + heldOut, names.size())),
                new ArrayList<>(names.subList(test, test + heldOut)),
                new ArrayList<>(names.subList(0, test)));
        split.forEach(Collections::sort);
        return split;
    }

    public static Outcome train(LabelledFaces faces, Settings settings) {
        return train(faces, settings, epoch -> {});
    }

    /** @param progress told about every epoch as it ends (epoch 0 first) */
    public static Outcome train(LabelledFaces faces, Settings settings, Consumer<Epoch> progress) {
        List<List<String>> split = split(faces, settings.heldOutFraction(), settings.testFraction(), settings.seed());
        LabelledFaces training = faces.only(split.get(0));
        LabelledFaces heldOut = faces.only(split.get(1));
        if (training.byIdentity().values().stream().noneMatch(photos -> photos.size() >= 2)) {
            throw new IllegalArgumentException(
                    "no training identity has two photos: there is no triplet to learn from");
        }
        int inputs = faces.byIdentity().values().iterator().next().get(0).length;

        List<float[]> lossPhotos = new ArrayList<>();
        int[] lossLabels = labelsOf(training, lossPhotos, new Random(settings.seed()));
        LinearHead head = LinearHead.initial(inputs, settings.dimension(), settings.seed());
        Adam adam = new Adam(head, settings.learningRate());
        Random random = new Random(settings.seed());
        // Batches are drawn from identities with a positive to offer: a single photo makes no triplet as anchor.
        List<String> names = new ArrayList<>(training.byIdentity().keySet().stream()
                .filter(name -> training.byIdentity().get(name).size() >= 2)
                .toList());
        int batchSize = settings.identitiesPerBatch() * settings.photosPerIdentity();
        int batchesPerEpoch = Math.max(
                1,
                names.stream()
                                .mapToInt(
                                        name -> training.byIdentity().get(name).size())
                                .sum()
                        / batchSize);

        List<Epoch> history = new ArrayList<>();
        history.add(measure(0, head, lossPhotos, lossLabels, heldOut, settings));
        progress.accept(history.get(0));
        LinearHead best = head.copy();
        int bestEpoch = 0;
        for (int epoch = 1; epoch <= settings.maxEpochs() && epoch - bestEpoch <= settings.patience(); epoch++) {
            for (int b = 0; b < batchesPerEpoch; b++) {
                List<float[]> batch = new ArrayList<>();
                List<Integer> labels = new ArrayList<>();
                Collections.shuffle(names, random);
                for (int p = 0; p < Math.min(settings.identitiesPerBatch(), names.size()); p++) {
                    List<float[]> photos = new ArrayList<>(training.byIdentity().get(names.get(p)));
                    Collections.shuffle(photos, random);
                    for (float[] photo : photos.subList(0, Math.min(settings.photosPerIdentity(), photos.size()))) {
                        batch.add(photo);
                        labels.add(p);
                    }
                }
                int[] labelArray = labels.stream().mapToInt(Integer::intValue).toArray();
                List<TripletLoss.Triplet> triplets =
                        TripletLoss.mineSemiHard(batch.stream().map(head::apply).toList(), labelArray);
                if (!triplets.isEmpty()) {
                    adam.step(TripletLoss.of(head, batch, triplets, settings.margin()));
                }
            }
            Epoch measured = measure(epoch, head, lossPhotos, lossLabels, heldOut, settings);
            history.add(measured);
            progress.accept(measured);
            Epoch bestSoFar = history.get(bestEpoch);
            // Later epochs win ties: they have learnt more from the training identities.
            if (measured.heldOutTar() >= bestSoFar.heldOutTar()) {
                best = head.copy();
                bestEpoch = epoch;
            }
        }
        double baseLoss = TripletLoss.meanOverAllTriplets(lossPhotos, lossLabels, settings.margin());
        return new Outcome(best, bestEpoch, List.copyOf(history), split.get(0), split.get(1), split.get(2), baseLoss);
    }

    /**
     * The mean loss over every triplet of the training identities' photos (a seeded sample of at most
     * {@link #MAX_LOSS_PHOTOS} when there are more: the same photos for the same folder and seed).
     */
    public static double trainingLoss(LabelledFaces training, double margin, long seed) {
        List<float[]> photos = new ArrayList<>();
        int[] labels = labelsOf(training, photos, new Random(seed));
        return TripletLoss.meanOverAllTriplets(photos, labels, margin);
    }

    private static Epoch measure(
            int epoch,
            LinearHead head,
            List<float[]> lossPhotos,
            int[] lossLabels,
            LabelledFaces heldOut,
            Settings settings) {
        double loss = TripletLoss.meanOverAllTriplets(
                lossPhotos.stream().map(head::apply).toList(), lossLabels, settings.margin());
        Evaluation.Result held = Evaluation.evaluate(
                heldOut.map(head::apply), new double[] {STOPPING_FAR}, HELD_OUT_IMPOSTOR_PAIRS, settings.seed());
        return new Epoch(epoch, loss, held.tarAt(STOPPING_FAR).tar(), held.auc());
    }

    /** The training photos the all-triplets loss is measured on (a seeded sample when there are many), and their labels. */
    private static int[] labelsOf(LabelledFaces training, List<float[]> photos, Random random) {
        List<Map.Entry<Integer, float[]>> all = new ArrayList<>();
        int label = 0;
        for (List<float[]> faces : training.byIdentity().values()) {
            for (float[] face : faces) {
                all.add(Map.entry(label, face));
            }
            label++;
        }
        if (all.size() > MAX_LOSS_PHOTOS) {
            Collections.shuffle(all, random);
            all = all.subList(0, MAX_LOSS_PHOTOS);
        }
        int[] labels = new int[all.size()];
        for (int i = 0; i < all.size(); i++) {
            labels[i] = all.get(i).getKey();
            photos.add(all.get(i).getValue());
        }
        return labels;
    }
}
