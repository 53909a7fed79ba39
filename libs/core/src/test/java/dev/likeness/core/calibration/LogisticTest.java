package dev.likeness.core.calibration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;

import org.junit.jupiter.api.Test;

class LogisticTest {

    @Test
    void recoversTheParametersThatGeneratedTheLabels() {
        Random random = new Random(7);
        int n = 20_000;
        double[][] x = new double[n][];
        boolean[] y = new boolean[n];
        for (int i = 0; i < n; i++) {
            double distance = 4 * random.nextDouble();
            x[i] = new double[] {distance};
            y[i] = random.nextDouble() < Logistic.sigmoid(6 - 5 * distance);
        }

        Logistic.Model fit = Logistic.fit(x, y, new Logistic.Model(new double[1], 0), 0);

        assertThat(fit.bias()).isCloseTo(6, within(0.4));
        assertThat(fit.weights()[0]).isCloseTo(-5, within(0.3));
    }

    @Test
    void staysFiniteOnSeparableData() {
        double[][] x = {{0.1}, {0.2}, {1.5}, {1.7}};
        boolean[] y = {true, true, false, false};

        Logistic.Model fit = Logistic.fit(x, y, new Logistic.Model(new double[1], 0), 1e-6);

        assertThat(fit.weights()[0]).isNegative().isFinite();
        assertThat(Logistic.sigmoid(fit.logit(new double[] {0.15}))).isGreaterThan(0.99);
        assertThat(Logistic.sigmoid(fit.logit(new double[] {1.6}))).isLessThan(0.01);
    }

    @Test
    void aStrongPenaltyKeepsTheWeightsAtThePrior() {
        double[][] x = {{0.1, 0.0}, {0.2, 1.0}, {1.5, 0.0}, {1.7, 1.0}, {0.3, 0.5}, {1.2, 0.5}};
        boolean[] y = {true, true, false, false, true, false};
        double[] prior = {-3, 0};

        Logistic.Model fit = Logistic.fit(x, y, new Logistic.Model(prior, 1), 1e6);

        assertThat(fit.weights()[0]).isCloseTo(-3, within(1e-3));
        assertThat(fit.weights()[1]).isCloseTo(0, within(1e-3));
    }
}
