package org.fedflink.federation;

/**
 * Creates the server strategies. Each returns an immutable, serializable value object (a record)
 * whose {@code equals} compares every hyperparameter and whose {@code toString} shows them all.
 * Every factory validates its hyperparameters and throws {@link IllegalArgumentException} with a
 * one-line message naming the first knob out of range. docs/strategies.md lists the knobs, their
 * Flower names and defaults.
 *
 * <p>Families: FedAvg and the server optimizers of Reddi et al. 2021 (FedAvgM, FedAdagrad, FedAdam,
 * FedYogi), which fold a sample-weighted mean delta; the robust rules (median, trimmed mean, Krum,
 * Multi-Krum, Bulyan, norm bounding), which keep every update of a round and weigh them equally;
 * client-level DP-FedAvg (fixed and adaptive clipping); FedBuff's staleness-weighted mean.
 */
public final class Strategies {
    private Strategies() {}

    /**
     * FedAvg (McMahan et al. 2017) with a server learning rate:
     * {@code global += serverLearningRate * sum(n_i * delta_i) / sum(n_i)}. See {@link FedAvg}.
     *
     * @throws IllegalArgumentException if {@code serverLearningRate} is not finite and positive
     */
    public static AggregationStrategy fedAvg(double serverLearningRate) {
        return new FedAvg(serverLearningRate);
    }

    /**
     * FedProx (Li, Sahu, Zaheer, Sanjabi, Talwalkar and Smith, "Federated Optimization in
     * Heterogeneous Networks", MLSys 2020): FedAvg's server rule over local steps that each end with a
     * pull of strength {@code mu} towards the global model.
     */
    public static AggregationStrategy fedProx(double serverLearningRate, double mu) {
        return new FedAvg(serverLearningRate, false, false, new LocalStep.Proximal(mu));
    }

    /**
     * FedSGD: FedAvg's server rule over the mean of the SGD steps the sources' examples ask for at
     * the global model (no local steps).
     */
    public static AggregationStrategy fedSgd(double serverLearningRate) {
        return new FedAvg(serverLearningRate, false, false, new LocalStep.Gradient());
    }

    /**
     * The centralized learner's rule: a single learner's deltas are added as they are
     * ({@code global += sum(delta_i)}), so the global model equals the learner's own parameters.
     * See {@link SumStrategy}.
     */
    public static AggregationStrategy sum() {
        return new SumStrategy();
    }

    /**
     * FedAvg with server momentum: {@code v = serverMomentum * v + avg; global += serverLearningRate * v}.
     * Flower's defaults are {@code (1.0, 0.0)}. See {@link FedAvgM}.
     *
     * @throws IllegalArgumentException if {@code serverLearningRate} is not finite and positive or
     *     {@code serverMomentum} is not in {@code [0, 1)}
     */
    public static AggregationStrategy fedAvgM(double serverLearningRate, double serverMomentum) {
        return new FedAvgM(serverLearningRate, serverMomentum);
    }

    /**
     * FedAdagrad (Reddi et al. 2021) with Flower's defaults {@code eta = 0.1, beta1 = 0, tau = 1e-9}.
     * See {@link FedAdagrad}.
     */
    public static AggregationStrategy fedAdagrad() {
        return FedAdagrad.defaults();
    }

    /**
     * FedAdagrad (Reddi et al. 2021). See {@link FedAdagrad}.
     *
     * @throws IllegalArgumentException naming the first knob out of range
     */
    public static AggregationStrategy fedAdagrad(double eta, double beta1, double tau) {
        return new FedAdagrad(eta, beta1, tau);
    }

    /**
     * FedAdam (Reddi et al. 2021) with Flower's defaults {@code eta = 0.1, beta1 = 0.9,
     * beta2 = 0.99, tau = 1e-9} and Flower's bias correction. See {@link FedAdam}.
     */
    public static AggregationStrategy fedAdam() {
        return FedAdam.defaults();
    }

    /**
     * FedAdam (Reddi et al. 2021). See {@link FedAdam} for the bias correction.
     *
     * @throws IllegalArgumentException naming the first knob out of range
     */
    public static AggregationStrategy fedAdam(double eta, double beta1, double beta2, double tau, boolean biasCorrection) {
        return new FedAdam(eta, beta1, beta2, tau, biasCorrection);
    }

    /**
     * FedYogi (Reddi et al. 2021) with Flower's defaults {@code eta = 0.01, beta1 = 0.9,
     * beta2 = 0.99, tau = 1e-3}. See {@link FedYogi}.
     */
    public static AggregationStrategy fedYogi() {
        return FedYogi.defaults();
    }

    /**
     * FedYogi (Reddi et al. 2021). See {@link FedYogi}.
     *
     * @throws IllegalArgumentException naming the first knob out of range
     */
    public static AggregationStrategy fedYogi(double eta, double beta1, double beta2, double tau) {
        return new FedYogi(eta, beta1, beta2, tau);
    }

    /** Coordinate-wise median. See {@link CoordinateMedian}. */
    public static AggregationStrategy median() {
        return new CoordinateMedian();
    }

    /**
     * Coordinate-wise trimmed mean cutting {@code floor(beta * n)} values at each end (Flower's
     * default {@code beta} is 0.2). See {@link TrimmedMean}.
     *
     * @throws IllegalArgumentException if {@code beta} is not in {@code [0, 0.5)}
     */
    public static AggregationStrategy trimmedMean(double beta) {
        return new TrimmedMean(beta);
    }

    /**
     * Krum tolerating {@code byzantineUpdates} Byzantine updates per round; needs rounds of at
     * least {@code 2f + 3} updates and a single shard. See {@link Krum}.
     *
     * @throws IllegalArgumentException if {@code byzantineUpdates < 0}
     */
    public static AggregationStrategy krum(int byzantineUpdates) {
        return new Krum(byzantineUpdates);
    }

    /**
     * Multi-Krum: the unweighted mean of the {@code selectedUpdates} best Krum scores; needs rounds
     * of at least {@code max(2f + 3, m)} updates and a single shard. See {@link MultiKrum}.
     *
     * @throws IllegalArgumentException if {@code byzantineUpdates < 0} or {@code selectedUpdates < 1}
     */
    public static AggregationStrategy multiKrum(int byzantineUpdates, int selectedUpdates) {
        return new MultiKrum(byzantineUpdates, selectedUpdates);
    }

    /**
     * Bulyan over Krum; needs rounds of at least {@code 4f + 3} updates and a single shard. See
     * {@link Bulyan}.
     *
     * @throws IllegalArgumentException if {@code byzantineUpdates < 0}
     */
    public static AggregationStrategy bulyan(int byzantineUpdates) {
        return new Bulyan(byzantineUpdates);
    }

    /**
     * The unweighted mean of the deltas, each clipped to an L2 norm of at most
     * {@code maxUpdateNorm}. See {@link NormBounding}.
     *
     * @throws IllegalArgumentException if {@code maxUpdateNorm} is not finite and positive
     */
    public static AggregationStrategy normBounding(double maxUpdateNorm) {
        return new NormBounding(maxUpdateNorm);
    }

    /**
     * DP-FedAvg with a fixed clipping norm; needs a single shard. See {@link DpFixedClipping}.
     *
     * @throws IllegalArgumentException if {@code clippingNorm} is not finite and positive or
     *     {@code noiseMultiplier} is not finite and {@code >= 0}
     */
    public static AggregationStrategy dpFixedClipping(double clippingNorm, double noiseMultiplier, long seed) {
        return new DpFixedClipping(clippingNorm, noiseMultiplier, seed);
    }

    /**
     * Adaptive clipping's default noise on the unclipped count, as Flower's and the paper's:
     * {@code expectedUpdatesPerRound / 20} when the updates are noised, and none without noise
     * (a count noised while the updates are not buys no privacy and only jitters the norm).
     */
    public static double defaultClippedCountStddev(double noiseMultiplier, int expectedUpdatesPerRound) {
        return noiseMultiplier > 0 ? expectedUpdatesPerRound / 20.0 : 0;
    }

    /**
     * DP-FedAvg with adaptive clipping and the defaults of Flower and Andrew et al.: initial
     * clipping norm 0.1, the median of the update norms as the target (clipping norm quantile 0.5),
     * clip learning rate 0.2, and {@link #defaultClippedCountStddev}. Needs a single shard. See
     * {@link DpAdaptiveClipping}.
     *
     * @throws IllegalArgumentException if {@code expectedUpdatesPerRound < 1}, or the derived
     *     {@code clippedCountStddev} is not above {@code noiseMultiplier / 2}
     */
    public static AggregationStrategy dpAdaptiveClipping(double noiseMultiplier, int expectedUpdatesPerRound, long seed) {
        Knobs.positive("expectedUpdatesPerRound", expectedUpdatesPerRound);
        return new DpAdaptiveClipping(
                noiseMultiplier,
                DpAdaptiveClipping.DEFAULT_INITIAL_CLIPPING_NORM,
                DpAdaptiveClipping.DEFAULT_CLIPPING_NORM_QUANTILE,
                DpAdaptiveClipping.DEFAULT_CLIP_LEARNING_RATE,
                defaultClippedCountStddev(noiseMultiplier, expectedUpdatesPerRound),
                seed);
    }

    /**
     * DP-FedAvg with adaptive clipping. Needs a single shard. See {@link DpAdaptiveClipping}.
     *
     * @throws IllegalArgumentException naming the first knob out of range
     */
    public static AggregationStrategy dpAdaptiveClipping(
            double noiseMultiplier,
            double initialClippingNorm,
            double clippingNormQuantile,
            double clipLearningRate,
            double clippedCountStddev,
            long seed) {
        return new DpAdaptiveClipping(
                noiseMultiplier, initialClippingNorm, clippingNormQuantile, clipLearningRate, clippedCountStddev, seed);
    }

    /**
     * FedBuff: {@code global += serverLearningRate * mean(s(tau) * delta)} over the round's updates,
     * with staleness passed to {@link RoundAccumulator#add(float[], long, long)}. See {@link FedBuff}.
     *
     * @throws IllegalArgumentException if {@code serverLearningRate} is not finite and positive or
     *     {@code stalenessWeight} is null
     */
    public static AggregationStrategy fedBuff(double serverLearningRate, StalenessWeight stalenessWeight) {
        return new FedBuff(serverLearningRate, stalenessWeight);
    }

    /**
     * SCAFFOLD's server: FedAvg's model step with a server learning rate, and the server control
     * variate as server state. See {@link Scaffold}.
     *
     * @throws IllegalArgumentException if {@code serverLearningRate} is not finite and positive
     */
    public static AggregationStrategy scaffold(double serverLearningRate) {
        return new Scaffold(serverLearningRate);
    }
}
