package org.fedflink.eval;

import java.io.Serializable;

/**
 * A mergeable accumulator of regression metrics over a labelled set: RMSE, MAE and the mean squared
 * loss {@code (y - y_hat)^2 / 2}, the loss the linear model trains on (so it is comparable with the
 * training loss, and equals MSE / 2).
 *
 * <p>Keeps three sums, so it is O(1) in memory and merging is exact up to floating-point summation
 * order. Not thread-safe; Serializable.
 */
public final class RegressionMetrics implements Serializable {

    private static final long serialVersionUID = 1L;

    private long examples;
    private double squaredErrorSum;
    private double absoluteErrorSum;

    /**
     * Adds one example.
     *
     * @throws IllegalArgumentException if the label or the prediction is not finite (a diverged
     *     model's NaN prediction is the caller's to report, not to average)
     */
    public void add(double label, double prediction) {
        if (!Double.isFinite(label)) {
            throw new IllegalArgumentException("label must be finite, got " + label);
        }
        if (!Double.isFinite(prediction)) {
            throw new IllegalArgumentException("prediction must be finite, got " + prediction);
        }
        double error = label - prediction;
        squaredErrorSum += error * error;
        absoluteErrorSum += Math.abs(error);
        examples++;
    }

    /** Adds all examples of {@code other} to this accumulator ({@code other} is not changed). */
    public void merge(RegressionMetrics other) {
        if (other == this) {
            throw new IllegalArgumentException("cannot merge metrics into themselves");
        }
        examples += other.examples;
        squaredErrorSum += other.squaredErrorSum;
        absoluteErrorSum += other.absoluteErrorSum;
    }

    /** Number of examples added (including merged ones). */
    public long examples() {
        return examples;
    }

    /** Root mean squared error; NaN when empty. */
    public double rmse() {
        return examples == 0 ? Double.NaN : Math.sqrt(squaredErrorSum / examples);
    }

    /** Mean absolute error; NaN when empty. */
    public double mae() {
        return examples == 0 ? Double.NaN : absoluteErrorSum / examples;
    }

    /** Mean of {@code (y - y_hat)^2 / 2} (the models' squared loss), i.e. MSE / 2; NaN when empty. */
    public double meanSquaredLoss() {
        return examples == 0 ? Double.NaN : squaredErrorSum / (2.0 * examples);
    }
}
