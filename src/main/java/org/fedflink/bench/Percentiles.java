package org.fedflink.bench;

import java.util.Arrays;

/** Percentiles of a sample by the nearest-rank method (no interpolation: every result is a value of the sample). */
public final class Percentiles {

    private Percentiles() {}

    /**
     * The {@code p}-th percentile of {@code values}: the smallest value such that at least
     * {@code p} percent of the values are at most it, i.e. the {@code ceil(p / 100 * n)}-th smallest
     * (the smallest value for {@code p = 0}). NaN for an empty sample. {@code values} is not modified.
     *
     * @throws IllegalArgumentException if {@code p} is not in [0, 100] or a value is NaN
     */
    public static double of(double[] values, double p) {
        return sorted(values).at(p);
    }

    /** A sorted copy of {@code values}, to take several percentiles of one sample. */
    public static Sorted sorted(double[] values) {
        double[] copy = values.clone();
        for (double v : copy) {
            if (Double.isNaN(v)) {
                throw new IllegalArgumentException("a sample to take percentiles of must not hold NaN");
            }
        }
        Arrays.sort(copy);
        return new Sorted(copy);
    }

    /** A sorted sample. */
    public static final class Sorted {
        private final double[] values;

        private Sorted(double[] values) {
            this.values = values;
        }

        public int size() {
            return values.length;
        }

        /** The nearest-rank {@code p}-th percentile; NaN when the sample is empty. */
        public double at(double p) {
            if (!(p >= 0 && p <= 100)) {
                throw new IllegalArgumentException("percentile must be in [0, 100], got " + p);
            }
            if (values.length == 0) {
                return Double.NaN;
            }
            int rank = (int) Math.ceil(p / 100.0 * values.length);
            return values[Math.max(0, rank - 1)];
        }
    }
}
