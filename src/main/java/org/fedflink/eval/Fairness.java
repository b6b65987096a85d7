package org.fedflink.eval;

import java.util.Arrays;

/**
 * Summaries of a per-source metric for fairness reports: how the worst-served sources fare, and
 * percentiles of the distribution over sources.
 *
 * <p>NaN entries stand for sources without a value (e.g. no holdout examples yet) and are ignored.
 */
public final class Fairness {

    /**
     * Slack when rounding {@code fraction * n} up, so that a product that should be an integer but
     * carries a rounding error (0.1 * 30 = 3.0000000000000004) is not rounded up to the next one.
     */
    private static final double CEIL_TOLERANCE = 1e-9;

    private Fairness() {}

    /**
     * Mean accuracy of the worst {@code ceil(fraction * n)} sources, {@code n} being the number of
     * non-NaN entries ("worst" = lowest; at least one source is always taken). E.g. fraction 0.1
     * over 30 sources averages the 3 lowest accuracies; fraction 1 is the plain mean.
     *
     * @return the mean, or NaN when there is no non-NaN entry
     * @throws IllegalArgumentException if {@code fraction} is not in {@code (0, 1]}
     */
    public static double worstFractionMean(double[] perSourceAccuracy, double fraction) {
        double[] values = sortedNonNaN(perSourceAccuracy);
        int k = (int) worstCount(values.length, fraction);
        if (k == 0) {
            return Double.NaN;
        }
        double sum = 0;
        for (int i = 0; i < k; i++) {
            sum += values[i];
        }
        return sum / k;
    }

    /**
     * How many of {@code n} values the worst {@code fraction} takes: {@code ceil(fraction * n)}, at
     * least one, 0 only when {@code n} is.
     *
     * @throws IllegalArgumentException if {@code fraction} is not in {@code (0, 1]}
     */
    static long worstCount(long n, double fraction) {
        if (!(fraction > 0 && fraction <= 1)) {
            throw new IllegalArgumentException("fraction must be in (0, 1], got " + fraction);
        }
        if (n == 0) {
            return 0;
        }
        long k = (long) Math.ceil(fraction * n - CEIL_TOLERANCE);
        return Math.max(1, Math.min(n, k));
    }

    /**
     * The {@code p}-th percentile of the non-NaN {@code values}, interpolating linearly between the
     * two nearest ranks (the default of NumPy's {@code percentile}, R's type 7): with the values
     * sorted as {@code v_0 <= ... <= v_(n-1)}, position {@code h = p / 100 * (n - 1)} gives
     * {@code v_floor(h) + (h - floor(h)) * (v_(floor(h)+1) - v_floor(h))}. So p = 0 is the minimum,
     * 50 the median, 100 the maximum.
     *
     * @return the percentile, or NaN when there is no non-NaN entry
     * @throws IllegalArgumentException if {@code p} is not in {@code [0, 100]}
     */
    public static double percentile(double[] values, double p) {
        if (!(p >= 0 && p <= 100)) {
            throw new IllegalArgumentException("percentile must be in [0, 100], got " + p);
        }
        double[] sorted = sortedNonNaN(values);
        int n = sorted.length;
        if (n == 0) {
            return Double.NaN;
        }
        double h = p / 100 * (n - 1);
        int lo = (int) Math.floor(h);
        if (lo >= n - 1) {
            return sorted[n - 1];
        }
        double lower = sorted[lo];
        double upper = sorted[lo + 1];
        return lower == upper ? lower : lower + (h - lo) * (upper - lower);
    }

    /** The non-NaN entries, sorted ascending (a new array). */
    private static double[] sortedNonNaN(double[] values) {
        if (values == null) {
            throw new IllegalArgumentException("values must not be null");
        }
        double[] out = new double[values.length];
        int n = 0;
        for (double v : values) {
            if (!Double.isNaN(v)) {
                out[n++] = v;
            }
        }
        double[] kept = Arrays.copyOf(out, n);
        Arrays.sort(kept);
        return kept;
    }
}
