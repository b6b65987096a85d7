package org.fedflink.federation;

import java.util.List;

/** Per-coordinate helpers of the coordinate-wise rules (median, trimmed mean, Bulyan). */
final class Columns {
    private Columns() {}

    /** Copies coordinate {@code i} of every delta into {@code column}. */
    static void fill(float[] column, List<float[]> deltas, int i) {
        for (int k = 0; k < column.length; k++) {
            column[k] = deltas.get(k)[i];
        }
    }

    /** The median of a sorted, non-empty column: the middle value, or the mean of the two middle ones. */
    static double medianOfSorted(float[] sorted) {
        int n = sorted.length;
        int mid = n / 2;
        return n % 2 == 1 ? sorted[mid] : ((double) sorted[mid - 1] + sorted[mid]) / 2;
    }

    /** The mean of {@code sorted[from, to)}, accumulated in double. */
    static double mean(float[] sorted, int from, int to) {
        double sum = 0;
        for (int k = from; k < to; k++) {
            sum += sorted[k];
        }
        return sum / (to - from);
    }
}
