package org.fedflink.federation;

import java.util.List;
import java.util.SplittableRandom;

/**
 * DP-FedAvg with adaptive quantile clipping (Andrew, Thakkar, McMahan and Ramaswamy,
 * "Differentially Private Learning with Adaptive Clipping", NeurIPS 2021, arXiv:1905.03871;
 * Flower's {@code DifferentialPrivacyServerSideAdaptiveClipping}). Each round, with {@code C} the
 * current clipping norm and {@code n} the round's number of (finite) updates:
 *
 * <ol>
 *   <li>clip each delta to norm {@code C} and note {@code b_i = 1} if its norm was {@code <= C}
 *       (unclipped), else 0;
 *   <li>{@code global += (sum of clipped deltas + N(0, (zDelta * C)^2 I)) / n}, as
 *       {@link DpFixedClipping} with the current {@code C};
 *   <li>the noisy unclipped fraction {@code bHat = (sum b_i + N(0, clippedCountStddev^2)) / n};
 *   <li>the geometric update {@code C = C * exp(-clipLearningRate * (bHat - clippingNormQuantile))}:
 *       {@code C} grows while fewer than the target fraction of updates fit, and shrinks
 *       otherwise, so it tracks the {@code clippingNormQuantile}-quantile of update norms.
 * </ol>
 *
 * <p><b>Noise split.</b> The count is released too, so the privacy of a round is that of a Gaussian
 * mechanism with noise multiplier {@code z = noiseMultiplier} only if the update noise uses
 * {@code zDelta = (z^-2 - (2 * clippedCountStddev)^-2)^(-1/2)}, as derived in the paper (the count
 * has sensitivity 1/2 once centred) and computed by Flower's {@code compute_adaptive_noise_params}. So {@code clippedCountStddev} must exceed {@code z / 2}. Account
 * each round with {@code noiseMultiplier} ({@link RdpAccountant#compose}). The paper recommends
 * {@code clippedCountStddev = expected updates per round / 20}, which
 * {@link Strategies#dpAdaptiveClipping(double, int, long)} applies.
 *
 * <p><b>Differences from Flower.</b> The paper's {@code b_i} marks an <i>unclipped</i> update;
 * Flower's (framework/py/flwr/server/strategy/dp_adaptive_clipping.py as of
 * 2026-03) counts <i>clipped</i> updates but keeps the paper's sign in the update, which
 * drives its norm the wrong way (more clipping shrinks it further). Its knob
 * {@code target_clipped_quantile} reads as the share of updates to clip, the inverse of the paper's
 * {@code gamma}; with the same default 0.5, a ported configuration of 0.8 would silently mean
 * 0.2 here. So this knob is named for what it steers: {@code clippingNormQuantile}, the quantile
 * of the update norms the clipping norm tracks (the share of updates left unclipped); Flower's
 * {@code q} is {@code 1 - q} here. Without noise ({@code noiseMultiplier} 0), the default
 * {@code clippedCountStddev} is 0, as Flower's. Flower also adds the noise with the norm after the update; we use the norm the
 * round was clipped with, which is what the sensitivity bound needs.
 *
 * <p><b>State.</b> 3 floats: {@code ln(C / initialClippingNorm)} (0 initially, so a zeroed state
 * starts at {@code initialClippingNorm}), then the round count, which with {@code seed} seeds the
 * round's noise (see {@link DpFixedClipping}). Requires a single shard. {@link #minUpdates()} is 1.
 *
 * @param noiseMultiplier {@code z}, the round's effective noise multiplier (Flower's
 *     {@code noise_multiplier}); finite and {@code >= 0}
 * @param initialClippingNorm the first round's {@code C} (Flower's {@code initial_clipping_norm});
 *     finite and {@code > 0}
 * @param clippingNormQuantile {@code gamma}, the quantile of update norms the clipping norm
 *     tracks: the fraction of updates meant to be unclipped (Flower's {@code target_clipped_quantile}
 *     is the fraction meant to be clipped, {@code 1 - gamma}); in {@code [0, 1]}
 * @param clipLearningRate {@code eta_C} of the geometric update (Flower's {@code clip_norm_lr});
 *     finite and {@code > 0}
 * @param clippedCountStddev {@code sigma_b}, noise on the unclipped count (Flower's
 *     {@code clipped_count_stddev}); finite, {@code >= 0}, and {@code > noiseMultiplier / 2} when
 *     {@code noiseMultiplier > 0}
 * @param seed seed of the noise
 */
public record DpAdaptiveClipping(
        double noiseMultiplier,
        double initialClippingNorm,
        double clippingNormQuantile,
        double clipLearningRate,
        double clippedCountStddev,
        long seed)
        implements AggregationStrategy {

    /** Flower's (and the paper's recommended) {@code initial_clipping_norm}. */
    public static final double DEFAULT_INITIAL_CLIPPING_NORM = 0.1;
    /** The median of the update norms (0.5 is also Flower's default {@code target_clipped_quantile}). */
    public static final double DEFAULT_CLIPPING_NORM_QUANTILE = 0.5;
    /** Flower's (and the paper's recommended) {@code clip_norm_lr}. */
    public static final double DEFAULT_CLIP_LEARNING_RATE = 0.2;

    private static final int LOG_CLIP = 0;
    private static final int COUNTER = 1;

    /** @throws IllegalArgumentException naming the first knob out of range */
    public DpAdaptiveClipping {
        Knobs.nonNegative("noiseMultiplier", noiseMultiplier);
        Knobs.positive("initialClippingNorm", initialClippingNorm);
        Knobs.unit("clippingNormQuantile", clippingNormQuantile);
        Knobs.positive("clipLearningRate", clipLearningRate);
        Knobs.nonNegative("clippedCountStddev", clippedCountStddev);
        if (noiseMultiplier > 0 && !(2 * clippedCountStddev > noiseMultiplier)) {
            throw new IllegalArgumentException("clippedCountStddev must be > noiseMultiplier / 2 = "
                    + noiseMultiplier / 2 + " so that the update noise can make up the rest, got "
                    + clippedCountStddev);
        }
    }

    /**
     * The noise multiplier {@code zDelta} of the update noise: {@code (z^-2 - (2 sigma_b)^-2)^(-1/2)},
     * 0 when {@code noiseMultiplier} is 0. Larger than {@code noiseMultiplier}.
     */
    public double updateNoiseMultiplier() {
        if (noiseMultiplier == 0) {
            return 0;
        }
        double twoSigmaB = 2 * clippedCountStddev;
        return 1 / Math.sqrt(1 / (noiseMultiplier * noiseMultiplier) - 1 / (twoSigmaB * twoSigmaB));
    }

    /** The clipping norm the next round will use, read from a state of this strategy. */
    public double clippingNorm(float[] serverState) {
        Vectors.checkState(serverState, RoundCounter.SIZE + 1);
        return initialClippingNorm * Math.exp(serverState[LOG_CLIP]);
    }

    @Override
    public RoundAccumulator newRound(int length) {
        return new StoredRound(length);
    }

    @Override
    public int stateSize(int length) {
        return 1 + RoundCounter.SIZE;
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
        double clip = clippingNorm(serverState);
        SplittableRandom random = Seeds.random(seed, RoundCounter.read(serverState, COUNTER));
        // the count noise is drawn first, so that it does not depend on the shard's length
        double countNoise = clippedCountStddev == 0 ? 0 : clippedCountStddev * random.nextGaussian();
        int unclipped = DpRound.applyNoisyMean(global, deltas, clip, updateNoiseMultiplier() * clip, random);
        double unclippedFraction = (unclipped + countNoise) / deltas.size();
        serverState[LOG_CLIP] = (float) (serverState[LOG_CLIP]
                - clipLearningRate * (unclippedFraction - clippingNormQuantile));
        RoundCounter.increment(serverState, COUNTER);
    }
}
