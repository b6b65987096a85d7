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
public record FedYogi(double eta, double beta1, double beta2, double tau) implements AdaptiveServerOptimizer {

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

    /** Yogi's second moment: moves towards {@code d^2} by {@code (1 - beta2) d^2}, additively. */
    @Override
    public double secondMoment(double previous, double squaredDelta) {
        return previous - (1 - beta2) * squaredDelta * Math.signum(previous - squaredDelta);
    }

    @Override
    public double stepSize(float[] serverState, int length) {
        return eta;
    }
}
