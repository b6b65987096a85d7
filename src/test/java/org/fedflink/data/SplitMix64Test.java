package org.fedflink.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SplitMix64Test {

    @Test
    void nextGaussian_moments_standardNormal() {
        SplitMix64 r = new SplitMix64(123);
        int n = 200_000;
        double sum = 0;
        double sumSq = 0;
        double sum4 = 0;
        for (int i = 0; i < n; i++) {
            double g = r.nextGaussian();
            sum += g;
            sumSq += g * g;
            sum4 += g * g * g * g;
        }
        assertThat(sum / n).isCloseTo(0, within(0.01));
        assertThat(sumSq / n).isCloseTo(1, within(0.015));
        assertThat(sum4 / n).isCloseTo(3, within(0.1));
    }

    @Test
    void nextLogGamma_meanAndVariance_matchShape() {
        for (double shape : new double[] {0.3, 1.0, 2.5, 50}) {
            SplitMix64 r = new SplitMix64(7);
            int n = 200_000;
            double sum = 0;
            double sumSq = 0;
            for (int i = 0; i < n; i++) {
                double g = Math.exp(r.nextLogGamma(shape));
                sum += g;
                sumSq += g * g;
            }
            double mean = sum / n;
            double var = sumSq / n - mean * mean;
            assertThat(mean).as("mean, shape %s", shape).isCloseTo(shape, within(0.02 * shape + 0.01));
            assertThat(var).as("variance, shape %s", shape).isCloseTo(shape, within(0.05 * shape + 0.01));
        }
    }

    @Test
    void nextInt_uniformOverBound() {
        SplitMix64 r = new SplitMix64(99);
        int[] counts = new int[7];
        for (int i = 0; i < 70_000; i++) {
            counts[r.nextInt(7)]++;
        }
        for (int c : counts) {
            assertThat(c).isBetween(9_500, 10_500);
        }
    }

    @Test
    void streamSeed_familiesAndIndices_distinct() {
        Set<Long> seeds = new HashSet<>();
        for (long family = 1; family <= 7; family++) {
            long[] k = SplitMix64.streamKeys(42, family);
            for (long i = 0; i < 20_000; i++) {
                seeds.add(SplitMix64.streamSeed(k[0], k[1], i));
            }
        }
        assertThat(seeds).hasSize(7 * 20_000);
    }
}
