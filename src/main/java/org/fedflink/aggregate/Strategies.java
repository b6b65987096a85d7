package org.fedflink.aggregate;

/** Creates the server strategies. */
public final class Strategies {
    private Strategies() {}

    /**
     * FedAvg (McMahan et al. 2017) with a server learning rate:
     * {@code global += serverLearningRate * sum(n_i * delta_i) / sum(n_i)}.
     */
    public static AggregationStrategy fedAvg(double serverLearningRate) {
        throw new UnsupportedOperationException("TODO");
    }

    /**
     * The centralized learner's rule: a single learner's deltas are added as they are
     * ({@code global += sum(delta_i)}), so the global model equals the learner's own parameters.
     */
    public static AggregationStrategy sum() {
        throw new UnsupportedOperationException("TODO");
    }
}
