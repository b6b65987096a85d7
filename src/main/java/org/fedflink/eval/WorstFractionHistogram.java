package org.fedflink.eval;

/**
 * {@link Fairness#worstFractionMean} over values in {@code [0, 1]} (accuracies) without holding
 * them: counts and sums in {@value #BINS} bins of width 1 / ({@value #BINS} - 1), so memory does not
 * grow with the number of sources. The mean takes the lowest bins whole and, from the bin where the
 * worst fraction ends, as many values as it still needs at that bin's mean — within one bin's width
 * of the exact figure. NaN values are ignored, as there.
 */
public final class WorstFractionHistogram {

    static final int BINS = 1_001;

    private final long[] counts = new long[BINS];
    private final double[] sums = new double[BINS];
    private long total;

    /** Counts {@code value}, clamped into {@code [0, 1]}; NaN is ignored. */
    public void add(double value) {
        if (Double.isNaN(value)) {
            return;
        }
        double clamped = Math.max(0, Math.min(1, value));
        int bin = (int) Math.floor(clamped * (BINS - 1));
        counts[bin]++;
        sums[bin] += clamped;
        total++;
    }

    /** Values counted. */
    public long count() {
        return total;
    }

    /**
     * The mean of the lowest {@code ceil(fraction * n)} of the {@code n} values counted (at least
     * one), within one bin's width; NaN when none was counted.
     *
     * @throws IllegalArgumentException if {@code fraction} is not in {@code (0, 1]}
     */
    public double worstFractionMean(double fraction) {
        long wanted = Fairness.worstCount(total, fraction);
        if (wanted == 0) {
            return Double.NaN;
        }
        long taken = 0;
        double sum = 0;
        for (int bin = 0; bin < BINS && taken < wanted; bin++) {
            long take = Math.min(counts[bin], wanted - taken);
            if (take == counts[bin]) {
                sum += sums[bin];
            } else {
                sum += sums[bin] / counts[bin] * take;
            }
            taken += take;
        }
        return sum / wanted;
    }
}
