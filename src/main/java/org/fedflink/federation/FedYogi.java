package org.fedflink.federation;

/**
 * FedYogi, a server optimizer of Reddi et al., "Adaptive Federated Optimization", ICLR 2021
 * (Algorithm 2, after Zaheer et al.'s Yogi, NeurIPS 2018). With {@code d} the sample-weighted mean
 * delta of the round, per coordinate:
 *
 * <pre>
 *   m      = beta1 * m + (1 - beta1) * d
 *   v      = v - (1 - beta2) * d^2 * sign(v - d^2)
 *   global = global + eta * m / (sqrt(v) + tau)
 * </pre>
 *
 * As in Flower's {@code FedYogi}: moments start at zero and there is no bias correction (so the
 * first round moves each coordinate by about {@code eta * sign(d)} when {@code tau} is small).
 * {@code v} stays {@code >= 0}: a step adds {@code (1 - beta2) * d^2} when {@code v < d^2} and
 * subtracts it only when {@code v > d^2}, which leaves {@code v > beta2 * d^2 >= 0}.
 *
 * <p>Server state: {@code 2 * length} floats, {@code m} then {@code v}. Rounds keep a running
 * weighted sum and drop non-finite deltas; every update must come from at least one example.
 * Create via {@link Strategies#fedYogi}.
 *
 * @param eta server learning rate (Flower's {@code eta}); finite and {@code > 0}
 * @param beta1 first-moment decay (Flower's {@code beta_1}); in {@code [0, 1)}
 * @param beta2 second-moment rate (Flower's {@code beta_2}); in {@code [0, 1)}
 * @param tau adaptivity (Flower's {@code tau}); finite and {@code > 0}
 */
public record FedYogi(double eta, double beta1, double beta2, double tau) implements AggregationStrategy {

    /** Flower's default {@code eta}. */
    public static final double DEFAULT_ETA = 1e-2;
    /** Flower's default {@code beta_1}. */
    public static final double DEFAULT_BETA1 = 0.9;
    /** Flower's default {@code beta_2}. */
    public static final double DEFAULT_BETA2 = 0.99;
    /** Flower's default {@code tau}. */
    public static final double DEFAULT_TAU = 1e-3;

    /** @throws IllegalArgumentException naming the first knob out of range */
    public FedYogi {
        Knobs.positive("eta", eta);
        Knobs.decay("beta1", beta1);
        Knobs.decay("beta2", beta2);
        Knobs.positive("tau", tau);
    }

    /** Flower's defaults: {@code eta = 0.01, beta1 = 0.9, beta2 = 0.99, tau = 1e-3}. */
    public static FedYogi defaults() {
        return new FedYogi(DEFAULT_ETA, DEFAULT_BETA1, DEFAULT_BETA2, DEFAULT_TAU);
    }

    @Override
    public RoundAccumulator newRound(int length) {
        return new SummingRound(length, true, true);
    }

    @Override
    public int stateSize(int length) {
        return 2 * length;
    }

    /** After a concept drift: a fresh optimizer, its whole state back to zeros. */
    @Override
    public void resetOptimizerState(float[] serverState) {
        java.util.Arrays.fill(serverState, 0f);
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalStateException if the round has no updates
     * @throws IllegalArgumentException if the round is not a sample-weighted round of this length,
     *     or {@code serverState} is not of length {@code stateSize(global.length)}
     */
    @Override
    public void apply(float[] global, float[] serverState, RoundAccumulator round) {
        double[] d = SummingRound.checkApplicable(global, round, true, "FedYogi").mean();
        int n = global.length;
        Vectors.checkState(serverState, stateSize(n));
        for (int i = 0; i < n; i++) {
            double d2 = d[i] * d[i];
            double m = beta1 * serverState[i] + (1 - beta1) * d[i];
            double vPrev = serverState[n + i];
            double v = vPrev - (1 - beta2) * d2 * Math.signum(vPrev - d2);
            serverState[i] = (float) m;
            serverState[n + i] = (float) v;
            global[i] = (float) (global[i] + eta * m / (Math.sqrt(v) + tau));
        }
    }
}
