package dev.likeness.learning.adaptation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import dev.likeness.learning.LabelledFaces;

class TripletLossTest {

    /** The hand-derived gradient of W and b against central finite differences of the loss (float64). */
    @Test
    void theGradientMatchesFiniteDifferences() {
        for (int outputs : new int[] {6, 4}) {
            SplittableRandom random = new SplittableRandom(outputs);
            List<float[]> x = new ArrayList<>();
            int[] labels = {0, 0, 0, 1, 1, 2, 2, 2};
            for (int i = 0; i < labels.length; i++) {
                x.add(unit(random, 6));
            }
            LinearHead head = LinearHead.initial(6, outputs, 3);
            // Away from the identity, so that the normalisation's Jacobian matters.
            for (int i = 0; i < head.weights.length; i++) {
                head.weights[i] += random.nextDouble(-0.3, 0.3);
            }
            for (int k = 0; k < outputs; k++) {
                head.bias[k] = random.nextDouble(-0.2, 0.2);
            }
            List<TripletLoss.Triplet> triplets =
                    TripletLoss.mineSemiHard(x.stream().map(head::apply).toList(), labels);
            double margin = 1.0; // large, so that most triplets are active
            TripletLoss.Gradient gradient = TripletLoss.of(head, x, triplets, margin);
            assertThat(gradient.loss()).isPositive();

            double worst = 0;
            double step = 1e-6;
            for (int i = 0; i < head.weights.length + head.bias.length; i++) {
                double[] parameters = i < head.weights.length ? head.weights : head.bias;
                int index = i < head.weights.length ? i : i - head.weights.length;
                double analytic = i < head.weights.length ? gradient.weights()[index] : gradient.bias()[index];
                double saved = parameters[index];
                parameters[index] = saved + step;
                double plus = TripletLoss.of(head, x, triplets, margin).loss();
                parameters[index] = saved - step;
                double minus = TripletLoss.of(head, x, triplets, margin).loss();
                parameters[index] = saved;
                double numeric = (plus - minus) / (2 * step);
                worst = Math.max(
                        worst,
                        Math.abs(analytic - numeric) / Math.max(1e-6, Math.max(Math.abs(analytic), Math.abs(numeric))));
            }
            System.out.printf("triplet loss gradient, 6 -> %d: largest relative error %.2e%n", outputs, worst);
            assertThat(worst).isLessThan(1e-5);
        }
    }

    @Test
    void semiHardMiningTakesTheClosestNegativeFartherThanThePositive() {
        // Anchor at 0; positive at distance 0.5^2; negatives at 0.3^2 (harder), 0.7^2 (semi-hard) and 1.5^2.
        List<float[]> f = List.of(point(0), point(0.5f), point(0.3f), point(0.7f), point(1.5f));
        int[] labels = {0, 0, 1, 2, 3};

        List<TripletLoss.Triplet> triplets = TripletLoss.mineSemiHard(f, labels);

        assertThat(triplets).contains(new TripletLoss.Triplet(0, 1, 3));
        // From the positive's side the anchor is at 0.5^2: the negative at 0.7 (0.2^2) is closer, 0.3 (0.2^2)
        // too; the closest farther one is 1.5 (1.0^2).
        assertThat(triplets).contains(new TripletLoss.Triplet(1, 0, 4));
    }

    @Test
    void trainingLowersTheLossOfAllTriplets() {
        // Identity signal in two dimensions, larger nuisance in the other two: the head must learn to ignore it.
        SplittableRandom random = new SplittableRandom(5);
        Map<String, List<float[]>> people = new LinkedHashMap<>();
        for (int p = 0; p < 12; p++) {
            double angle = 2 * Math.PI * p / 12;
            List<float[]> views = new ArrayList<>();
            for (int v = 0; v < 5; v++) {
                float[] e = {
                    (float) Math.cos(angle),
                    (float) Math.sin(angle),
                    (float) random.nextDouble(-1.2, 1.2),
                    (float) random.nextDouble(-1.2, 1.2)
                };
                views.add(normalise(e));
            }
            people.put("p" + p, views);
        }
        Adaptation.Settings settings = new Adaptation.Settings(4, 0.2, 0.34, 0.2, 30, 30, 1e-2, 4, 4, 1);
        Adaptation.Outcome outcome = Adaptation.train(new LabelledFaces(people, List.of()), settings);

        assertThat(outcome.best().trainingLoss()).isLessThan(0.5 * outcome.trainingLossBase());
        assertThat(outcome.best().heldOutAuc())
                .isGreaterThan(outcome.history().get(0).heldOutAuc());
    }

    private static float[] point(float x) {
        return new float[] {x, 0};
    }

    private static float[] unit(SplittableRandom random, int dimension) {
        float[] v = new float[dimension];
        for (int i = 0; i < dimension; i++) {
            v[i] = (float) random.nextDouble(-1, 1);
        }
        return normalise(v);
    }

    private static float[] normalise(float[] v) {
        double norm = 0;
        for (float value : v) {
            norm += value * value;
        }
        for (int i = 0; i < v.length; i++) {
            v[i] /= (float) Math.sqrt(norm);
        }
        return v;
    }
}
