package org.fedflink.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PercentilesTest {

    @Test
    void nearestRank() {
        double[] values = {15, 20, 35, 40, 50};
        assertThat(Percentiles.of(values, 5)).isEqualTo(15);
        assertThat(Percentiles.of(values, 30)).isEqualTo(20);
        assertThat(Percentiles.of(values, 40)).isEqualTo(20);
        assertThat(Percentiles.of(values, 50)).isEqualTo(35);
        assertThat(Percentiles.of(values, 100)).isEqualTo(50);
        assertThat(Percentiles.of(values, 0)).isEqualTo(15);
    }

    @Test
    void p99_ofAHundredValues_isTheSecondLargest() {
        double[] values = new double[100];
        for (int i = 0; i < values.length; i++) {
            values[i] = 100 - i; // unsorted input
        }
        Percentiles.Sorted sorted = Percentiles.sorted(values);
        assertThat(sorted.at(99)).isEqualTo(99);
        assertThat(sorted.at(50)).isEqualTo(50);
        assertThat(sorted.size()).isEqualTo(100);
        assertThat(values[0]).as("input left alone").isEqualTo(100);
    }

    @Test
    void emptySample_isNaN_andBadArgumentsAreRefused() {
        assertThat(Percentiles.of(new double[0], 50)).isNaN();
        assertThatThrownBy(() -> Percentiles.of(new double[] {1}, 101)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Percentiles.of(new double[] {1}, Double.NaN))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Percentiles.of(new double[] {1, Double.NaN}, 50))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
