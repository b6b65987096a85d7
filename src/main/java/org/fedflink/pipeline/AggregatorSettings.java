package org.fedflink.pipeline;

import java.io.Serializable;
import org.fedflink.federation.AggregationStrategy;
import org.fedflink.federation.ShardLayout;

/**
 * What a {@link GlobalAggregator} needs to know, resolved from the job spec.
 *
 * @param strategy the server rule
 * @param layout the shards of the model
 * @param updatesPerRound close a round after this many updates; 0: after as many as
 *     {@link org.fedflink.federation.RoundSize} asks for (half the sources active lately)
 * @param timeoutMillis or when its oldest update waited this long (0 = never)
 * @param trainerParallelism end markers expected before the last round closes
 * @param loopId the feedback loop to publish into
 * @param windowExamples length of the windowed prequential figures, in examples
 * @param model the model, whose initial parameters (seeded by {@code initSeed}) are version 0
 * @param initSeed the seed the trainers start from too
 * @param maxStaleness drop an update computed from a version more than this many versions older
 *     than the shard's current one (0 = keep every update)
 * @param dpNoiseMultiplier the noise multiplier {@code z} of a client-level DP strategy, whose
 *     rounds are accounted for (and whose updates are merged per source within a round); NaN for a
 *     strategy without a DP guarantee
 * @param dpDelta the {@code delta} of the reported {@code (epsilon, delta)}
 * @param minSources a round closes only with updates from at least this many distinct sources
 *     (the final round at the end of the input excepted)
 * @param reputationDecay with per-source reputation, how much of a score one round keeps; NaN: off
 * @param drift whether (and with which detector) the server watches the examples it folds in
 */
public record AggregatorSettings(
        AggregationStrategy strategy,
        ShardLayout layout,
        int updatesPerRound,
        long timeoutMillis,
        int trainerParallelism,
        String loopId,
        long windowExamples,
        org.fedflink.model.ModelSpec model,
        long initSeed,
        long maxStaleness,
        double dpNoiseMultiplier,
        double dpDelta,
        int minSources,
        double reputationDecay,
        org.fedflink.drift.DriftSettings drift)
        implements Serializable {

    public AggregatorSettings {
        if (drift == null) {
            throw new IllegalArgumentException("drift is required (DriftSettings.none() detects nothing)");
        }
    }

    /** These settings with a server that watches for {@code newDrift}. */
    public AggregatorSettings withDrift(org.fedflink.drift.DriftSettings newDrift) {
        return new AggregatorSettings(strategy, layout, updatesPerRound, timeoutMillis, trainerParallelism, loopId,
                windowExamples, model, initSeed, maxStaleness, dpNoiseMultiplier, dpDelta, minSources, reputationDecay,
                newDrift);
    }

    /** Settings that keep every update, account no privacy and watch for no drift. */
    public AggregatorSettings(
            AggregationStrategy strategy,
            ShardLayout layout,
            int updatesPerRound,
            long timeoutMillis,
            int trainerParallelism,
            String loopId,
            long windowExamples,
            org.fedflink.model.ModelSpec model,
            long initSeed) {
        this(strategy, layout, updatesPerRound, timeoutMillis, trainerParallelism, loopId, windowExamples, model,
                initSeed, 0, Double.NaN, 0, 1, Double.NaN, org.fedflink.drift.DriftSettings.none());
    }

    /** Whether the strategy gives client-level DP, whose privacy spent is accounted. */
    public boolean accountsPrivacy() {
        return !Double.isNaN(dpNoiseMultiplier);
    }
}
