package org.fedflink.data;

import java.util.Arrays;
import java.util.Objects;

/**
 * Standardizes features with the mean and standard deviation of each feature estimated on a
 * sample of the data (typically the first N examples of a bounded input).
 *
 * <p><b>Fitting</b> uses Welford's algorithm in double precision (numerically stable in one pass).
 * A sparse example contributes zeros for the features it does not list; those zeros are merged in
 * batches (Chan et al.'s formula for combining two groups) when the feature is next seen, so
 * fitting costs O(non-zeros) per sparse example, not O(features). The standard deviation is the
 * population one (divisor n).
 *
 * <p><b>Applying</b>:
 *
 * <ul>
 *   <li>dense examples: {@code (x - mean) / std} per feature. A feature that is constant in the
 *       sample (standard deviation 0 — exactly, as Welford's update of a constant is exact) is
 *       only centred: its std is treated as 1, so it becomes {@code x - mean} (0 for the constant)
 *       instead of NaN or infinity;
 *   <li>sparse examples: {@code x / rms} per feature, where {@code rms = sqrt(mean^2 + std^2)} is
 *       the root mean square of the feature in the sample (zeros included), <em>without</em>
 *       centring — subtracting the mean would turn every absent (zero) feature into a non-zero and
 *       destroy the sparsity. A feature whose rms is 0 (never non-zero in the sample) is left
 *       unchanged.
 * </ul>
 *
 * <p>Immutable, thread-safe and serializable.
 */
public final class Standardizer implements FeatureScaler {

    private static final long serialVersionUID = 1L;

    private final double[] mean;
    private final double[] std;
    /** 1 / std, or 1 for a constant feature. */
    private final double[] denseScale;
    /** 1 / rms, or 1 for a feature that is always zero. */
    private final double[] sparseScale;

    private Standardizer(double[] mean, double[] std) {
        int features = mean.length;
        this.mean = mean;
        this.std = std;
        this.denseScale = new double[features];
        this.sparseScale = new double[features];
        for (int j = 0; j < features; j++) {
            denseScale[j] = std[j] > 0 ? 1.0 / std[j] : 1.0;
            double rms = Math.sqrt(mean[j] * mean[j] + std[j] * std[j]);
            sparseScale[j] = rms > 0 ? 1.0 / rms : 1.0;
        }
    }

    /**
     * Estimates per-feature means and standard deviations from {@code sample}.
     *
     * @param sample the examples to fit on (all of them are used), dense or sparse or mixed
     * @param features the dimension: dense examples must have exactly this many values, sparse
     *     indices must be below it
     * @throws IllegalArgumentException when the sample is empty, {@code features < 1}, an example
     *     has the wrong dimension or an out-of-range index, or a value is not finite
     */
    public static Standardizer fit(Iterable<Example> sample, int features) {
        Objects.requireNonNull(sample, "sample");
        if (features < 1) {
            throw new IllegalArgumentException("features must be at least 1 (got " + features + ")");
        }
        double[] mean = new double[features];
        double[] m2 = new double[features]; // sum of squared deviations from the mean
        long[] count = new long[features]; // examples accounted for, per feature (lags for sparse)
        long n = 0;
        for (Example e : sample) {
            float[] values = e.values();
            int[] indices = e.indices();
            if (indices == null) {
                if (values.length != features) {
                    throw new IllegalArgumentException(
                            "example " + n + " has " + values.length + " features, expected " + features);
                }
                for (int j = 0; j < features; j++) {
                    double x = checkFinite(values[j], n, j);
                    addZeros(j, n - count[j], mean, m2, count);
                    welford(j, x, mean, m2, count);
                }
            } else {
                if (indices.length != values.length) {
                    throw new IllegalArgumentException("example " + n + " has " + indices.length
                            + " indices but " + values.length + " values");
                }
                for (int i = 0; i < indices.length; i++) {
                    int j = indices[i];
                    if (j < 0 || j >= features) {
                        throw new IllegalArgumentException(
                                "example " + n + " has feature index " + j + " outside [0, " + features + ")");
                    }
                    double x = checkFinite(values[i], n, j);
                    addZeros(j, n - count[j], mean, m2, count);
                    welford(j, x, mean, m2, count);
                }
            }
            n++;
        }
        if (n == 0) {
            throw new IllegalArgumentException("cannot fit a standardizer on zero examples");
        }
        double[] std = new double[features];
        for (int j = 0; j < features; j++) {
            addZeros(j, n - count[j], mean, m2, count);
            std[j] = Math.sqrt(Math.max(0.0, m2[j] / n));
        }
        return new Standardizer(mean, std);
    }

    /**
     * A standardizer with given per-feature statistics, e.g. ones recorded by an earlier
     * {@link #fit} ({@link #mean(int)}, {@link #std(int)}): it applies exactly as the fitted one did.
     *
     * @throws IllegalArgumentException when the arrays are empty or of different lengths, a mean
     *     is not finite, or a standard deviation is negative or not finite
     */
    public static Standardizer of(double[] mean, double[] std) {
        Objects.requireNonNull(mean, "mean");
        Objects.requireNonNull(std, "std");
        if (mean.length == 0 || mean.length != std.length) {
            throw new IllegalArgumentException("mean and std must have the same length >= 1, got " + mean.length
                    + " and " + std.length);
        }
        for (int j = 0; j < mean.length; j++) {
            if (!Double.isFinite(mean[j])) {
                throw new IllegalArgumentException("mean of feature " + j + " is not finite (" + mean[j] + ")");
            }
            if (!(std[j] >= 0) || !Double.isFinite(std[j])) {
                throw new IllegalArgumentException(
                        "std of feature " + j + " must be finite and >= 0, got " + std[j]);
            }
        }
        return new Standardizer(mean.clone(), std.clone());
    }

    private static double checkFinite(float v, long example, int feature) {
        if (!Float.isFinite(v)) {
            throw new IllegalArgumentException("example " + example + " feature " + feature + " is not finite (" + v + ")");
        }
        return v;
    }

    private static void welford(int j, double x, double[] mean, double[] m2, long[] count) {
        long c = ++count[j];
        double delta = x - mean[j];
        mean[j] += delta / c;
        m2[j] += delta * (x - mean[j]);
    }

    /** Merges {@code zeros} zero values into feature j's running statistics in O(1). */
    private static void addZeros(int j, long zeros, double[] mean, double[] m2, long[] count) {
        if (zeros <= 0) {
            return;
        }
        long c = count[j];
        long total = c + zeros;
        double delta = -mean[j];
        // Chan et al.: combine (c, mean, m2) with (zeros, 0, 0)
        m2[j] += delta * delta * ((double) c * zeros / total);
        mean[j] += delta * ((double) zeros / total);
        count[j] = total;
    }

    /** The dimension this was fitted for. */
    public int features() {
        return mean.length;
    }

    /** The sample mean of feature {@code j}. */
    public double mean(int j) {
        return mean[j];
    }

    /** The sample (population) standard deviation of feature {@code j}; 0 for a constant feature. */
    public double std(int j) {
        return std[j];
    }

    /**
     * @throws IllegalArgumentException when a dense example does not have {@link #features()}
     *     values or a sparse index is out of range
     */
    @Override
    public Example apply(Example example) {
        float[] in = example.values();
        int[] indices = example.indices();
        float[] out = new float[in.length];
        if (indices == null) {
            if (in.length != mean.length) {
                throw new IllegalArgumentException(
                        "example has " + in.length + " features, the standardizer was fitted for " + mean.length);
            }
            for (int j = 0; j < in.length; j++) {
                out[j] = (float) ((in[j] - mean[j]) * denseScale[j]);
            }
        } else {
            for (int i = 0; i < in.length; i++) {
                int j = indices[i];
                if (j < 0 || j >= mean.length) {
                    throw new IllegalArgumentException(
                            "feature index " + j + " outside [0, " + mean.length + ") the standardizer was fitted for");
                }
                out[i] = (float) (in[i] * sparseScale[j]);
            }
        }
        return new Example(example.source(), example.timestamp(), example.label(), indices, out);
    }

    @Override
    public String toString() {
        return "Standardizer[features=" + mean.length + ", mean=" + preview(mean) + ", std=" + preview(std) + "]";
    }

    private static String preview(double[] a) {
        return a.length <= 4 ? Arrays.toString(a) : Arrays.toString(Arrays.copyOf(a, 4)).replace("]", ", ...]");
    }
}
