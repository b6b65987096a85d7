package org.fedflink.federation;

import java.util.Arrays;

/**
 * The adaptive server optimizers of Reddi et al., "Adaptive Federated Optimization", ICLR 2021
 * (Algorithm 2): FedAdagrad, FedAdam and FedYogi differ only in how the second moment moves and in
 * the step size. With {@code d} the sample-weighted mean delta of the round (the negative
 * pseudo-gradient), per coordinate:
 *
 * <pre>
 *   m      = beta1 * m + (1 - beta1) * d
 *   v      = secondMoment(v, d^2)
 *   global = global + step * m / (sqrt(v) + tau)
 * </pre>
 *
 * <p>Server state: {@code m} in {@code [0, length)}, {@code v} in {@code [length, 2 * length)},
 * then whatever the step size keeps (FedAdam: its round count). Rounds keep a running weighted sum
 * and drop non-finite deltas; every update must come from at least one example.
 */
public sealed interface AdaptiveServerOptimizer extends AggregationStrategy permits FedAdagrad, FedAdam, FedYogi {

    /** First-moment decay, in {@code [0, 1)}. */
    double beta1();

    /** Adaptivity: added to {@code sqrt(v)}. */
    double tau();

    /** The second moment after a round whose delta squared is {@code squaredDelta}. */
    double secondMoment(double previous, double squaredDelta);

    /**
     * The step size of the round being applied, given the server state whose moments start at 0
     * and whose own part starts at {@code 2 * length}; a step size that counts rounds advances its
     * count here.
     */
    double stepSize(float[] serverState, int length);

    @Override
    default RoundAccumulator newRound(int length) {
        return new SummingRound(length, true, true);
    }

    @Override
    default int stateSize(int length) {
        return 2 * length;
    }

    /** After a concept drift: a fresh optimizer, its whole state back to zeros. */
    @Override
    default void resetOptimizerState(float[] serverState) {
        Arrays.fill(serverState, 0f);
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalStateException if the round has no updates
     * @throws IllegalArgumentException if the round is not a sample-weighted round of this length,
     *     or {@code serverState} is not of length {@code stateSize(global.length)}
     */
    @Override
    default void apply(float[] global, float[] serverState, RoundAccumulator round) {
        double[] d = SummingRound.checkApplicable(global, round, true, getClass().getSimpleName()).mean();
        int n = global.length;
        Vectors.checkState(serverState, stateSize(n));
        double beta1 = beta1();
        double tau = tau();
        double step = stepSize(serverState, n);
        for (int i = 0; i < n; i++) {
            double m = beta1 * serverState[i] + (1 - beta1) * d[i];
            double v = secondMoment(serverState[n + i], d[i] * d[i]);
            serverState[i] = (float) m;
            serverState[n + i] = (float) v;
            global[i] = (float) (global[i] + step * m / (Math.sqrt(v) + tau));
        }
    }
}
