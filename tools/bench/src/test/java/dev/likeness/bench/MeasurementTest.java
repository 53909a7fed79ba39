package dev.likeness.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;

import org.junit.jupiter.api.Test;

class MeasurementTest {

    @Test
    void percentilesAreTheNearestRankWithinTheHistogramsPrecision() {
        // Latencies spread over three decades, as a mesh burst's are (1 ms to 2 s), in random order.
        Random random = new Random(7);
        double[] seconds = new double[5000];
        for (int i = 0; i < seconds.length; i++) {
            seconds[i] = 0.001 * Math.pow(2000, random.nextDouble());
        }
        Measurement measurement = Measurement.ofSeconds(seconds);
        double[] sorted = measurement.seconds();
        for (double percentile : new double[] {50, 90, 99, 99.9}) {
            double nearestRank = sorted[(int) Math.ceil(percentile / 100 * sorted.length) - 1];
            assertThat(measurement.percentile(percentile))
                    .as("p%s", percentile)
                    .isCloseTo(nearestRank, within(nearestRank * 2e-3));
        }
        assertThat(measurement.percentile(100)).isCloseTo(measurement.max(), within(measurement.max() * 2e-3));
    }
}
