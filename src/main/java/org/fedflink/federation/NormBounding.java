package org.fedflink.federation;

import java.util.List;

/**
 * Update-norm bounding (Sun, Kairouz, Suresh and McMahan, "Can You Really Backdoor Federated
 * Learning?", 2019): each delta is scaled down to an L2 norm of at most {@code maxUpdateNorm}
 * ({@code delta * min(1, maxUpdateNorm / ||delta||)}), and the mean of the clipped deltas is added
 * to the global parameters. A boosted (scaled-up) malicious update then counts no more than an
 * honest one of the same norm.
 *
 * <p>The mean is unweighted, like the other robust rules (a source could claim any sample count),
 * unlike FedAvg's. The norm is the shard's: with {@code S} shards each shard's part is bounded, so
 * the whole update's norm is at most {@code maxUpdateNorm * sqrt(S)}; the rule still bounds every
 * update, so it does not require a single shard. No server state; {@link #minUpdates()} is 1.
 * Create via {@link Strategies#normBounding}.
 *
 * @param maxUpdateNorm the largest L2 norm an update may have; finite and {@code > 0}
 */
public record NormBounding(double maxUpdateNorm) implements AggregationStrategy {

    /** @throws IllegalArgumentException if {@code maxUpdateNorm} is not finite and positive */
    public NormBounding {
        Knobs.positive("maxUpdateNorm", maxUpdateNorm);
    }

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
        double[] mean = new double[global.length];
        for (float[] delta : deltas) {
            double factor = Vectors.clipFactor(Vectors.l2Norm(delta), maxUpdateNorm);
            for (int i = 0; i < mean.length; i++) {
                mean[i] += factor * delta[i];
            }
        }
        for (int i = 0; i < mean.length; i++) {
            mean[i] /= deltas.size();
        }
        Vectors.addTo(global, mean);
    }
}
