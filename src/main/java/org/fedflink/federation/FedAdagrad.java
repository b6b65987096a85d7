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
public record FedAdagrad(double eta, double beta1, double tau) implements AdaptiveServerOptimizer {

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

    /** Adagrad's second moment: the sum of the squared deltas. */
    @Override
    public double secondMoment(double previous, double squaredDelta) {
        return previous + squaredDelta;
    }

    @Override
    public double stepSize(float[] serverState, int length) {
        return eta;
    }
}
