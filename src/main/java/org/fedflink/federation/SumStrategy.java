package org.fedflink.federation;

/**
 * The centralized learner's rule: deltas are added unweighted, {@code global += sum(delta_i)}.
 * With a single learner whose deltas are its own parameter changes, the global model then equals
 * that learner's parameters, which makes the centralized baseline use the same server path as
 * federated runs.
 *
 * <p>Sample counts are only totalled for reporting, so an update from 0 samples is accepted
 * (negative counts are not). No server state. Immutable and serializable. Create via
 * {@link Strategies#sum}.
 */
public record SumStrategy() implements AggregationStrategy {

    /** Every delta lands whole: the learner never adopts the global model, so it could not make up for a cut. */
    @Override
    public boolean shortensShortRounds() {
        return false;
    }

    /**
     * {@inheritDoc}
     *
     * <p>The round's {@code add} throws {@link IllegalArgumentException} for a delta of the wrong
     * length or {@code samples < 0}.
     */
    @Override
    public RoundAccumulator newRound(int length) {
        return new SummingRound(length, false);
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalStateException if the round has no updates
     * @throws IllegalArgumentException if the round is not one of this strategy's rounds or has a
     *     different length from {@code global}
     */
    @Override
    public void apply(float[] global, float[] serverState, RoundAccumulator round) {
        SummingRound r = SummingRound.checkApplicable(global, round, false, "SumStrategy");
        int[] moved = r.movedCoordinates();
        if (moved != null) {
            double[] sums = r.movedSums();
            for (int k = 0; k < moved.length; k++) {
                global[moved[k]] = (float) (global[moved[k]] + sums[k]);
            }
            return;
        }
        double[] sum = r.sum();
        for (int i = 0; i < global.length; i++) {
            global[i] = (float) (global[i] + sum[i]);
        }
    }

    @Override
    public int[] movedCoordinates(RoundAccumulator round) {
        return round instanceof SummingRound r ? r.movedCoordinates() : null;
    }
}
