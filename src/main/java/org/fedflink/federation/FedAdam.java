package org.fedflink.federation;

/**
 * FedAdam, a server optimizer of Reddi et al., "Adaptive Federated Optimization", ICLR 2021
 * (Algorithm 2). With {@code d} the sample-weighted mean delta of the round, per coordinate:
 *
 * <pre>
 *   m      = beta1 * m + (1 - beta1) * d
 *   v      = beta2 * v + (1 - beta2) * d^2
 *   global = global + etaT * m / (sqrt(v) + tau)
 * </pre>
 *
 * <p><b>Bias correction.</b> Reddi et al.'s Algorithm 2 has none ({@code etaT = eta}). Flower's
 * {@code FedAdam} has had one since Flower 1.13 (adap/flower PR #4362, Nov 2024; its FedYogi and
 * FedAdagrad still have none):
 * {@code etaT = eta * sqrt(1 - beta2^(t+1)) / (1 - beta1^(t+1))}, where {@code t} is Flower's
 * 1-based round number. We follow Flower, including its exponent {@code t+1}, so that a run with
 * Flower's knobs takes Flower's steps; note that this is one step ahead of Kingma and Ba's
 * {@code alpha_t} (exponent {@code t}), so Flower's first step is about 0.74 of the uncorrected one
 * at the default betas, where Kingma and Ba's would equal it. {@code biasCorrection = false} gives
 * the paper's (and Flower before 1.13) uncorrected step. Here {@code t} counts the rounds this
 * shard has applied, kept in the server state.
 *
 * <p>Moments start at zero, as in Flower (the paper allows {@code v >= tau^2}).
 *
 * <p>Server state: {@code 2 * length + 2} floats, {@code m} in {@code [0, length)}, {@code v} in
 * {@code [length, 2 * length)}, then the count of applied rounds. Rounds keep a running weighted
 * sum and drop non-finite deltas; every update must come from at least one example. Create via
 * {@link Strategies#fedAdam}.
 *
 * @param eta server learning rate (Flower's {@code eta}); finite and {@code > 0}
 * @param beta1 first-moment decay (Flower's {@code beta_1}); in {@code [0, 1)}
 * @param beta2 second-moment decay (Flower's {@code beta_2}); in {@code [0, 1)}
 * @param tau adaptivity: added to {@code sqrt(v)} (Flower's {@code tau}); finite and {@code > 0}
 * @param biasCorrection whether {@code eta} is bias-corrected as in Flower's FedAdam (see above)
 */
public record FedAdam(double eta, double beta1, double beta2, double tau, boolean biasCorrection)
        implements AdaptiveServerOptimizer {

    /** Flower's default {@code eta}. */
    public static final double DEFAULT_ETA = 1e-1;
    /** Flower's default {@code beta_1}. */
    public static final double DEFAULT_BETA1 = 0.9;
    /** Flower's default {@code beta_2}. */
    public static final double DEFAULT_BETA2 = 0.99;
    /** Flower's default {@code tau} in {@code flwr.server.strategy.FedAdam}. */
    public static final double DEFAULT_TAU = 1e-9;
    /** Flower's FedAdam (1.13 and later) corrects the bias. */
    public static final boolean DEFAULT_BIAS_CORRECTION = true;

    /** @throws IllegalArgumentException naming the first knob out of range */
    public FedAdam {
        Knobs.positive("eta", eta);
        Knobs.decay("beta1", beta1);
        Knobs.decay("beta2", beta2);
        Knobs.positive("tau", tau);
    }

    /** Flower's defaults: {@code eta = 0.1, beta1 = 0.9, beta2 = 0.99, tau = 1e-9}, bias-corrected. */
    public static FedAdam defaults() {
        return new FedAdam(DEFAULT_ETA, DEFAULT_BETA1, DEFAULT_BETA2, DEFAULT_TAU, DEFAULT_BIAS_CORRECTION);
    }

    @Override
    public int stateSize(int length) {
        return 2 * length + RoundCounter.SIZE;
    }

    /**
     * The learning rate of the {@code round}-th applied round (1-based):
     * {@code eta * sqrt(1 - beta2^(round+1)) / (1 - beta1^(round+1))} with bias correction, else
     * {@code eta}.
     */
    public double learningRate(long round) {
        if (!biasCorrection) {
            return eta;
        }
        double exponent = round + 1.0;
        return eta * Math.sqrt(1 - Math.pow(beta2, exponent)) / (1 - Math.pow(beta1, exponent));
    }

    /** Adam's second moment: an exponential moving average of {@code d^2}. */
    @Override
    public double secondMoment(double previous, double squaredDelta) {
        return beta2 * previous + (1 - beta2) * squaredDelta;
    }

    /** {@link #learningRate} of the round being applied, counted in the state after the moments. */
    @Override
    public double stepSize(float[] serverState, int length) {
        int counter = 2 * length;
        double rate = learningRate(RoundCounter.read(serverState, counter) + 1);
        RoundCounter.increment(serverState, counter);
        return rate;
    }
}
