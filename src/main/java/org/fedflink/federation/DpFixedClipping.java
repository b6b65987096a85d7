package org.fedflink.federation;

import java.util.List;

/**
 * Client-level differentially private FedAvg with a fixed clipping norm (DP-FedAvg; McMahan,
 * Ramage, Talwar and Zhang, "Learning Differentially Private Recurrent Language Models", ICLR 2018;
 * Flower's {@code DifferentialPrivacyServerSideFixedClipping}): each delta is clipped to an L2
 * norm of at most {@code clippingNorm}, and
 *
 * <pre>
 *   global += (sum of clipped deltas + N(0, (noiseMultiplier * clippingNorm)^2 I)) / n
 * </pre>
 *
 * i.e. the unweighted mean plus noise of standard deviation
 * {@code noiseMultiplier * clippingNorm / n} per coordinate, {@code n} being the round's number of
 * (finite) updates. Sample counts play no part (the sensitivity bound needs equal weights).
 *
 * <p><b>Randomness.</b> The noise of the {@code r}-th applied round (0-based) comes from a
 * generator seeded by {@code (seed, r)}, so it is a pure function of the seed, the round and the
 * round's updates: a job restored from a checkpoint draws the same noise again. The round count is
 * kept in the server state. A fixed seed makes the noise reproducible, which is for experiments: a
 * deployment that must resist an adversary who knows the configuration should use a secret seed.
 *
 * <p><b>Privacy accounting.</b> Each round is one (subsampled) Gaussian mechanism with noise
 * multiplier {@code noiseMultiplier}; feed it to {@link RdpAccountant#compose} with the sampling
 * probability of a source per round. The guarantee needs the clipping and the noise over the whole
 * parameter vector, hence {@link #requiresSingleShard()}.
 *
 * <p>Server state: 2 floats (the round count). {@link #minUpdates()} is 1. Create via
 * {@link Strategies#dpFixedClipping}.
 *
 * @param clippingNorm {@code C}, the largest L2 norm of an update (Flower's {@code clipping_norm});
 *     finite and {@code > 0}
 * @param noiseMultiplier {@code z}, noise standard deviation over {@code C} (Flower's
 *     {@code noise_multiplier}); finite and {@code >= 0} (0: clipping only, no privacy)
 * @param seed seed of the noise
 */
public record DpFixedClipping(double clippingNorm, double noiseMultiplier, long seed) implements AggregationStrategy {

    /** @throws IllegalArgumentException naming the first knob out of range */
    public DpFixedClipping {
        Knobs.positive("clippingNorm", clippingNorm);
        Knobs.nonNegative("noiseMultiplier", noiseMultiplier);
    }

    /** Standard deviation of the noise added to each coordinate of the mean of {@code updates} updates. */
    public double noiseStddev(int updates) {
        return noiseMultiplier * clippingNorm / updates;
    }

    @Override
    public RoundAccumulator newRound(int length) {
        return new StoredRound(length);
    }

    @Override
    public int stateSize(int length) {
        return RoundCounter.SIZE;
    }

    @Override
    public boolean requiresSingleShard() {
        return true;
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalStateException if the round has no (finite) updates
     * @throws IllegalArgumentException if the round is not a stored round of this length, or
     *     {@code serverState} is not of length {@code stateSize(global.length)}
     */
    @Override
    public void apply(float[] global, float[] serverState, RoundAccumulator round) {
        List<float[]> deltas = StoredRound.checkApplicable(global, round, this).deltas();
        Vectors.checkState(serverState, stateSize(global.length));
        long r = RoundCounter.read(serverState, 0);
        DpRound.applyNoisyMean(global, deltas, clippingNorm, noiseMultiplier * clippingNorm, Seeds.random(seed, r));
        RoundCounter.increment(serverState, 0);
    }
}
