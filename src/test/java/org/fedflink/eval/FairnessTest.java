package org.fedflink.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class FairnessTest {

    @Test
    void worstFractionMean_ignoresNaNAndAveragesLowest() {
        // non-NaN: 0.9 0.5 0.7 0.1 (n = 4); half = 2 worst: 0.1 and 0.5
        double[] acc = {0.9, 0.5, Double.NaN, 0.7, 0.1};
        assertThat(Fairness.worstFractionMean(acc, 0.5)).isCloseTo(0.3, within(1e-12));
        // ceil(0.3 * 4) = 2 as well; 0.25 * 4 = 1 exactly
        assertThat(Fairness.worstFractionMean(acc, 0.3)).isCloseTo(0.3, within(1e-12));
        assertThat(Fairness.worstFractionMean(acc, 0.25)).isCloseTo(0.1, within(1e-12));
        assertThat(Fairness.worstFractionMean(acc, 1)).isCloseTo(2.2 / 4, within(1e-12));
        // a tiny fraction still takes one source
        assertThat(Fairness.worstFractionMean(acc, 1e-6)).isCloseTo(0.1, within(1e-12));
    }

    @Test
    void worstFractionMean_productWithRoundingError_notRoundedUp() {
        // 0.1 * 30 = 3.0000000000000004 in doubles; the worst 10% of 30 sources are 3 sources
        double[] acc = new double[30];
        for (int i = 0; i < 30; i++) {
            acc[i] = i;
        }
        assertThat(Fairness.worstFractionMean(acc, 0.1)).isCloseTo(1.0, within(1e-12));
    }

    @Test
    void worstFractionMean_noValues_isNaN() {
        assertThat(Fairness.worstFractionMean(new double[0], 0.1)).isNaN();
        assertThat(Fairness.worstFractionMean(new double[] {Double.NaN}, 0.1)).isNaN();
    }

    @Test
    void worstFractionMean_badFraction_rejected() {
        for (double f : new double[] {0, -0.1, 1.5, Double.NaN}) {
            assertThatThrownBy(() -> Fairness.worstFractionMean(new double[] {1}, f))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("fraction must be in (0, 1], got " + f);
        }
    }

    @Test
    void percentile_linearInterpolation_likeNumpyDefault() {
        double[] v = {4, Double.NaN, 1, 3, 2};
        // numpy.percentile([1, 2, 3, 4], [0, 25, 50, 90, 100]) = [1, 1.75, 2.5, 3.7, 4]
        assertThat(Fairness.percentile(v, 0)).isEqualTo(1);
        assertThat(Fairness.percentile(v, 25)).isCloseTo(1.75, within(1e-12));
        assertThat(Fairness.percentile(v, 50)).isCloseTo(2.5, within(1e-12));
        assertThat(Fairness.percentile(v, 90)).isCloseTo(3.7, within(1e-12));
        assertThat(Fairness.percentile(v, 100)).isEqualTo(4);
        assertThat(Fairness.percentile(new double[] {7}, 30)).isEqualTo(7);
        assertThat(Fairness.percentile(new double[] {Double.NaN}, 30)).isNaN();
        // the input is not reordered
        assertThat(v).containsExactly(4, Double.NaN, 1, 3, 2);
        assertThatThrownBy(() -> Fairness.percentile(v, 101))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("percentile must be in [0, 100], got 101.0");
    }
}
