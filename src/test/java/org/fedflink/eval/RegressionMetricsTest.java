package org.fedflink.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class RegressionMetricsTest {

    @Test
    void smallSet_matchesHandComputedValues() {
        // errors y - y_hat: 1, -2, 0, 3 -> squared 1 + 4 + 0 + 9 = 14, absolute 1 + 2 + 0 + 3 = 6
        RegressionMetrics m = new RegressionMetrics();
        m.add(2, 1);
        m.add(-1, 1);
        m.add(0.5, 0.5);
        m.add(10, 7);
        assertThat(m.examples()).isEqualTo(4);
        assertThat(m.rmse()).isCloseTo(Math.sqrt(14.0 / 4), within(1e-12));
        assertThat(m.mae()).isCloseTo(1.5, within(1e-12));
        assertThat(m.meanSquaredLoss()).isCloseTo(14.0 / 8, within(1e-12));
    }

    @Test
    void merge_equalsSingleAccumulator() {
        RegressionMetrics all = new RegressionMetrics();
        RegressionMetrics a = new RegressionMetrics();
        RegressionMetrics b = new RegressionMetrics();
        for (int i = 0; i < 100; i++) {
            double y = Math.sin(i);
            double yHat = Math.cos(i) * 0.5;
            all.add(y, yHat);
            (i < 37 ? a : b).add(y, yHat);
        }
        a.merge(b);
        assertThat(a.examples()).isEqualTo(100);
        assertThat(a.rmse()).isCloseTo(all.rmse(), within(1e-12));
        assertThat(a.mae()).isCloseTo(all.mae(), within(1e-12));
        assertThat(a.meanSquaredLoss()).isCloseTo(all.meanSquaredLoss(), within(1e-12));
    }

    @Test
    void empty_resultsNaN() {
        RegressionMetrics m = new RegressionMetrics();
        assertThat(m.rmse()).isNaN();
        assertThat(m.mae()).isNaN();
        assertThat(m.meanSquaredLoss()).isNaN();
    }

    @Test
    void nonFiniteInput_rejected() {
        RegressionMetrics m = new RegressionMetrics();
        assertThatThrownBy(() -> m.add(1, Double.NaN))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("prediction must be finite, got NaN");
        assertThatThrownBy(() -> m.add(Double.POSITIVE_INFINITY, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("label must be finite, got Infinity");
        assertThat(m.examples()).isZero();
    }
}
