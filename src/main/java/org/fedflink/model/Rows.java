package org.fedflink.model;

/**
 * Loops shared by the models and optimizers over one parameter row {@code [w_0 .. w_(d-1), b]}
 * (layout in {@link ModelSpec}).
 *
 * <p>No range checks happen here, to keep the per-row loops tight: callers first run
 * {@link Checks#checkExample} (O(1) shape checks), and sparse indices must lie in
 * {@code [0, features)}, which the example validator guarantees once per example upstream. An
 * out-of-range sparse index would read or write a neighbouring row's weight, or throw.
 */
final class Rows {
    private Rows() {}

    /**
     * The score {@code z = w . x + b} of the row starting at {@code offset}, accumulated in
     * double so that long dense rows do not lose precision to float rounding. A dense row is
     * summed in four interleaved partial sums: one running sum is a chain of dependent additions
     * (one per 4 cycles or so), four let the CPU overlap them.
     */
    static double score(float[] params, int offset, int features, int[] indices, float[] values) {
        double z = params[offset + features];
        if (indices == null) {
            double s0 = 0;
            double s1 = 0;
            double s2 = 0;
            double s3 = 0;
            int j = 0;
            for (int end = features - 3; j < end; j += 4) {
                s0 += (double) params[offset + j] * values[j];
                s1 += (double) params[offset + j + 1] * values[j + 1];
                s2 += (double) params[offset + j + 2] * values[j + 2];
                s3 += (double) params[offset + j + 3] * values[j + 3];
            }
            for (; j < features; j++) {
                s0 += (double) params[offset + j] * values[j];
            }
            z += (s0 + s1) + (s2 + s3);
        } else {
            for (int i = 0; i < indices.length; i++) {
                z += (double) params[offset + indices[i]] * values[i];
            }
        }
        return z;
    }

    /**
     * Replaces the scores {@code z[0 .. n)} with {@code softmax(z)}, exponentiating
     * {@code z_k - max z} so that no term overflows and the largest is exactly 1 (the sum cannot
     * underflow to 0).
     */
    static void softmaxInPlace(double[] z, int n) {
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < n; k++) {
            max = Math.max(max, z[k]);
        }
        double sum = 0;
        for (int k = 0; k < n; k++) {
            double e = Math.exp(z[k] - max);
            z[k] = e;
            sum += e;
        }
        for (int k = 0; k < n; k++) {
            z[k] /= sum;
        }
    }
}
