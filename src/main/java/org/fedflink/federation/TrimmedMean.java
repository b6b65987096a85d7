package org.fedflink.federation;

import java.util.Arrays;
import java.util.List;

/**
 * Coordinate-wise trimmed mean (Yin et al., ICML 2018; Flower's {@code FedTrimmedAvg}): per
 * coordinate, sort the round's values, drop the {@code k = floor(beta * n)} smallest and the
 * {@code k} largest, and add the mean of the rest to the global parameter. Sample counts play no
 * part. As Flower (and scipy's {@code trim_mean}), {@code k} is computed as {@code (int) (beta * n)}
 * in floating point. Works on any shard; no server state; {@link #minUpdates()} is 1 (with
 * {@code beta < 0.5} at least one value always remains). Create via {@link Strategies#trimmedMean}.
 *
 * @param beta fraction cut at each end (Flower's {@code beta}); in {@code [0, 0.5)}
 */
public record TrimmedMean(double beta) implements AggregationStrategy {

    /** Flower's default {@code beta}. */
    public static final double DEFAULT_BETA = 0.2;

    /** @throws IllegalArgumentException if {@code beta} is not in {@code [0, 0.5)} */
    public TrimmedMean {
        if (!(beta >= 0 && beta < 0.5)) {
            throw new IllegalArgumentException("beta must be in [0, 0.5), got " + beta);
        }
    }

    /** Number of values cut at each end of a coordinate when the round has {@code updates} updates. */
    public int trimmed(int updates) {
        return (int) (beta * updates);
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalStateException if the round has no (finite) updates
     * @throws IllegalArgumentException if the round is not a stored round of this length
     */
    @Override
    public void apply(float[] global, float[] serverState, RoundAccumulator round) {
        List<float[]> deltas = StoredRound.checkApplicable(global, round, this).deltas();
        int n = deltas.size();
        int k = trimmed(n);
        float[] column = new float[n];
        for (int i = 0; i < global.length; i++) {
            Columns.fill(column, deltas, i);
            Arrays.sort(column);
            global[i] = (float) (global[i] + Columns.mean(column, k, n - k));
        }
    }

    @Override
    public RoundAccumulator newRound(int length) {
        return new StoredRound(length);
    }
}
