package org.fedflink.aggregate;

/**
 * Federated Averaging, the server step of McMahan, Moore, Ramage, Hampson and Agüera y Arcas,
 * "Communication-Efficient Learning of Deep Networks from Decentralized Data", AISTATS 2017, with
 * a server learning rate (as in Reddi et al., "Adaptive Federated Optimization", ICLR 2021):
 * {@code global += serverLearningRate * sum(n_i * delta_i) / sum(n_i)}, where {@code delta_i} is
 * client {@code i}'s parameter change over {@code n_i} local examples. A server learning rate of 1
 * is the original FedAvg (the global model becomes the sample-weighted mean of the client models).
 *
 * <p>Its rounds keep a running weighted sum and the sample total, never the updates themselves.
 * Every update must come from at least one example. No server state ({@link #stateSize} is 0).
 * Immutable and serializable. Create via {@link Strategies#fedAvg}.
 *
 * @param serverLearningRate the server step size; finite and {@code > 0}
 */
public record FedAvg(double serverLearningRate, boolean coordinateMean) implements AggregationStrategy {

    /** FedAvg over whole updates. */
    public FedAvg(double serverLearningRate) {
        this(serverLearningRate, false);
    }

    /** @throws IllegalArgumentException if {@code serverLearningRate} is not finite and positive */
    public FedAvg {
        if (!(serverLearningRate > 0) || !Double.isFinite(serverLearningRate)) {
            throw new IllegalArgumentException(
                    "serverLearningRate must be finite and > 0, got " + serverLearningRate);
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>The round's {@code add} throws {@link IllegalArgumentException} for a delta of the wrong
     * length or {@code samples < 1}.
     */
    @Override
    public RoundAccumulator newRound(int length) {
        return new SummingRound(length, true);
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalStateException if the round has no updates
     * @throws IllegalArgumentException if the round is not one of this strategy's rounds or has a
     *     different length from {@code global}
     */
    @Override
    public void apply(float[] global, float[] serverState, RoundAccumulator round) {
        SummingRound r = SummingRound.checkApplicable(global, round, true, "FedAvg");
        if (coordinateMean) {
            double[] mean = r.coordinateMean();
            for (int i = 0; i < global.length; i++) {
                global[i] = (float) (global[i] + serverLearningRate * mean[i]);
            }
            return;
        }
        double[] sum = r.sum();
        // samples() >= updates() >= 1 here, so the division is safe.
        double scale = serverLearningRate / r.samples();
        for (int i = 0; i < global.length; i++) {
            global[i] = (float) (global[i] + scale * sum[i]);
        }
    }
}
