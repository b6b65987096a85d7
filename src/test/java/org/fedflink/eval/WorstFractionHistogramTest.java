package org.fedflink.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link WorstFractionHistogram} against the exact {@link Fairness#worstFractionMean} it stands in for. */
class WorstFractionHistogramTest {

    private static final double BIN_WIDTH = 1.0 / (WorstFractionHistogram.BINS - 1);

    @Test
    void worstFractionMean_withinOneBinOfTheExactMean() {
        SplittableRandom random = new SplittableRandom(7);
        for (int n : new int[] {1, 2, 9, 10, 11, 30, 1_000, 100_000}) {
            double[] values = new double[n];
            WorstFractionHistogram histogram = new WorstFractionHistogram();
            for (int i = 0; i < n; i++) {
                // accuracies of sources with few examples: many ties on simple fractions
                values[i] = i % 3 == 0 ? random.nextInt(6) / 5.0 : random.nextDouble();
                histogram.add(values[i]);
            }
            for (double fraction : new double[] {0.1, 0.25, 1.0}) {
                assertThat(histogram.worstFractionMean(fraction)).as("n %d, fraction %s", n, fraction)
                        .isCloseTo(Fairness.worstFractionMean(values, fraction), within(BIN_WIDTH));
            }
            assertThat(histogram.count()).isEqualTo(n);
        }
    }

    @Test
    void valuesOnBinEdges_exact_nanIgnored_outOfRangeClamped() {
        WorstFractionHistogram histogram = new WorstFractionHistogram();
        assertThat(histogram.worstFractionMean(0.1)).isNaN();
        for (double v : new double[] {0.5, 0.25, 1.0, 0.0, Double.NaN, 0.75, 0.5, 0.25, 1.0, 0.75}) {
            histogram.add(v);
        }
        assertThat(histogram.count()).isEqualTo(9);
        // the worst 3 of 9: 0, 0.25, 0.25
        assertThat(histogram.worstFractionMean(1.0 / 3)).isEqualTo(0.5 / 3);
        assertThat(histogram.worstFractionMean(1.0)).isEqualTo(5.0 / 9, within(1e-12));
        histogram.add(-3);
        histogram.add(7);
        assertThat(histogram.worstFractionMean(0.1)).isEqualTo(0.0);
        assertThatThrownBy(() -> histogram.worstFractionMean(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
