package org.fedflink.federation;

import java.util.List;

/**
 * Coordinate-wise median (Yin, Chen, Ramchandran and Bartlett, "Byzantine-Robust Distributed
 * Learning: Towards Optimal Statistical Rates", ICML 2018; Flower's {@code FedMedian}):
 * {@code global[i] += median_k(delta_k[i])}, with the mean of the two middle values for an even
 * number of updates (as numpy's median). Sample counts play no part. Tolerates fewer than half of
 * the updates being arbitrary, per coordinate, and works on any shard (coordinates are
 * independent). No server state; {@link #minUpdates()} is 1. Create via {@link Strategies#median}.
 */
public record CoordinateMedian() implements AggregationStrategy {

    @Override
    public RoundAccumulator newRound(int length) {
        return new StoredRound(length);
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
        float[] column = new float[deltas.size()];
        for (int i = 0; i < global.length; i++) {
            Columns.fill(column, deltas, i);
            java.util.Arrays.sort(column);
            global[i] = (float) (global[i] + Columns.medianOfSorted(column));
        }
    }
}
