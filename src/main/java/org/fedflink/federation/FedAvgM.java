package org.fedflink.federation;

/**
 * FedAvg with server momentum (FedAvgM; Hsu, Qi and Brown, "Measuring the Effects of Non-Identical
 * Data Distribution for Federated Visual Classification", 2019; one of the server optimizers of
 * Reddi et al., "Adaptive Federated Optimization", ICLR 2021). With {@code avg} the sample-weighted
 * mean delta of the round:
 *
 * <pre>
 *   v      = serverMomentum * v + avg
 *   global = global + serverLearningRate * v
 * </pre>
 *
 * This is Flower's {@code FedAvgM} (heavy-ball momentum in PyTorch's SGD convention, no Nesterov):
 * Flower starts {@code v} at the first round's pseudo-gradient, which is the same as starting it at
 * zero. With {@code serverMomentum = 0} it is FedAvg with a server learning rate.
 *
 * <p>Server state: the momentum {@code v}, {@code length} floats (zero initially). Rounds keep a
 * running weighted sum and drop non-finite deltas ({@link RoundAccumulator#rejected()}); every
 * update must come from at least one example. Create via {@link Strategies#fedAvgM}.
 *
 * @param serverLearningRate Flower's {@code server_learning_rate}; finite and {@code > 0}
 * @param serverMomentum Flower's {@code server_momentum}; in {@code [0, 1)}
 */
public record FedAvgM(double serverLearningRate, double serverMomentum) implements AggregationStrategy {

    /** Flower's default {@code server_learning_rate}. */
    public static final double DEFAULT_SERVER_LEARNING_RATE = 1.0;
    /** Flower's default {@code server_momentum} (no momentum). */
    public static final double DEFAULT_SERVER_MOMENTUM = 0.0;

    /** @throws IllegalArgumentException naming the first knob out of range */
    public FedAvgM {
        Knobs.positive("serverLearningRate", serverLearningRate);
        Knobs.decay("serverMomentum", serverMomentum);
    }

    @Override
    public RoundAccumulator newRound(int length) {
        return new SummingRound(length, true, true);
    }

    @Override
    public int stateSize(int length) {
        return length;
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
        double[] avg = SummingRound.checkApplicable(global, round, true, "FedAvgM").mean();
        Vectors.checkState(serverState, stateSize(global.length));
        for (int i = 0; i < global.length; i++) {
            double v = serverMomentum * serverState[i] + avg[i];
            serverState[i] = (float) v;
            global[i] = (float) (global[i] + serverLearningRate * v);
        }
    }
}
