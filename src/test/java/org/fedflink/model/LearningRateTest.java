package org.fedflink.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class LearningRateTest {

    @Test
    void constant_anyStep_returnsRate() {
        LearningRate rate = LearningRate.constant(0.1);

        assertThat(rate.at(0)).isEqualTo(0.1);
        assertThat(rate.at(3)).isEqualTo(0.1);
        assertThat(rate.at(99)).isEqualTo(0.1);
    }

    @Test
    void inverseSqrt_steps0And3And99_decayAsOneOverSqrt() {
        LearningRate rate = LearningRate.inverseSqrt(0.1, 1.0);

        assertThat(rate.at(0)).isEqualTo(0.1); // 0.1 / sqrt(1)
        assertThat(rate.at(3)).isCloseTo(0.05, within(1e-15)); // 0.1 / sqrt(1 + 3) = 0.1 / 2
        assertThat(rate.at(99)).isCloseTo(0.01, within(1e-15)); // 0.1 / sqrt(1 + 99) = 0.1 / 10
    }

    @Test
    void inverseSqrt_fractionalDecay_scalesStep() {
        // 0.2 / sqrt(1 + 0.25 * 12) = 0.2 / sqrt(4) = 0.1
        assertThat(LearningRate.inverseSqrt(0.2, 0.25).at(12)).isCloseTo(0.1, within(1e-15));
    }

    @Test
    void inverse_steps0And3And99_decayAsOneOverT() {
        LearningRate rate = LearningRate.inverse(0.1, 1.0);

        assertThat(rate.at(0)).isEqualTo(0.1); // 0.1 / 1
        assertThat(rate.at(3)).isCloseTo(0.025, within(1e-15)); // 0.1 / (1 + 3)
        assertThat(rate.at(99)).isCloseTo(0.001, within(1e-15)); // 0.1 / (1 + 99)
    }

    @Test
    void decayZero_anyStep_isConstant() {
        assertThat(LearningRate.inverse(0.3, 0).at(99)).isEqualTo(0.3);
        assertThat(LearningRate.inverseSqrt(0.3, 0).at(99)).isEqualTo(0.3);
    }

    @Test
    void constructors_rateNotPositiveOrNotFinite_throwNamingValue() {
        assertThatThrownBy(() -> LearningRate.constant(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("rate must be finite and > 0, got 0.0");
        assertThatThrownBy(() -> LearningRate.inverse(-1, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("rate must be finite and > 0, got -1.0");
        assertThatThrownBy(() -> LearningRate.inverseSqrt(Double.NaN, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("rate must be finite and > 0, got NaN");
        assertThatThrownBy(() -> LearningRate.constant(Double.POSITIVE_INFINITY))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("rate must be finite and > 0, got Infinity");
    }

    @Test
    void constructors_decayNegativeOrNotFinite_throwNamingValue() {
        assertThatThrownBy(() -> LearningRate.inverse(0.1, -0.5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("decay must be finite and >= 0, got -0.5");
        assertThatThrownBy(() -> LearningRate.inverseSqrt(0.1, Double.NaN))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("decay must be finite and >= 0, got NaN");
    }

    @Test
    void at_negativeStep_throws() {
        assertThatThrownBy(() -> LearningRate.inverse(0.1, 1).at(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("step must be >= 0, got -1");
    }
}
