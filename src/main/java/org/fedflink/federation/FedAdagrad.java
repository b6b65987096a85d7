package org.fedflink.federation;

/**
 * FedAdagrad, a server optimizer of Reddi et al., "Adaptive Federated Optimization", ICLR 2021
 * (Algorithm 2). With {@code d} the sample-weighted mean delta of the round (the negative
 * pseudo-gradient), per coordinate:
 *
 * <pre>
 *   m      = beta1 * m + (1 - beta1) * d
 *   v      = v + d^2
 *   global = global + eta * m / (sqrt(v) + tau)
 * </pre>
 *
 * As in Flower's {@code FedAdagrad}: moments start at zero (the paper allows {@code v >= tau^2}),
 * no bias correction, and {@code beta1} defaults to 0 (Flower fixes it at 0; the paper keeps it as a
 * knob, so it is one here).
 *
 * <p>Server state: {@code 2 * length} floats, {@code m} in {@code [0, length)} and {@code v} in
 * {@code [length, 2 * length)}. Rounds keep a running weighted sum and drop non-finite deltas;
 * every update must come from at least one example. Create via {@link Strategies#fedAdagrad}.
 *
 * @param eta server learning rate (Flower's {@code eta}); finite and {@code > 0}
 * @param beta1 first-moment decay (Flower: fixed 0); in {@code [0, 1)}
 * @param tau adaptivity: added to {@code sqrt(v)} (Flower's {@code tau}); finite and {@code > 0}
 */
public record FedAdagrad(double eta, double beta1, double tau) implements AggregationStrategy {

    /** Flower's default {@code eta}. */
    public static final double DEFAULT_ETA = 1e-1;
    /** Flower's (fixed) {@code beta_1}. */
    public static final double DEFAULT_BETA1 = 0.0;
    /** Flower's default {@code tau} in {@code flwr.server.strategy.FedAdagrad}. */
    public static final double DEFAULT_TAU = 1e-9;

    /** @throws IllegalArgumentException naming the first knob out of range */
    public FedAdagrad {
        Knobs.positive("eta", eta);
        Knobs.decay("beta1", beta1);
        Knobs.positive("tau", tau);
    }

    /** Flower's defaults: {@code eta = 0.1, beta1 = 0, tau = 1e-9}. */
    public static FedAdagrad defaults() {
        return new FedAdagrad(DEFAULT_ETA, DEFAULT_BETA1, DEFAULT_TAU);
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
        double[] d = SummingRound.checkApplicable(global, round, true, "FedAdagrad").mean();
        int n = global.length;
        Vectors.checkState(serverState, stateSize(n));
        for (int i = 0; i < n; i++) {
            double m = beta1 * serverState[i] + (1 - beta1) * d[i];
            double v = serverState[n + i] + d[i] * d[i];
            serverState[i] = (float) m;
            serverState[n + i] = (float) v;
            global[i] = (float) (global[i] + eta * m / (Math.sqrt(v) + tau));
        }
    }
}
