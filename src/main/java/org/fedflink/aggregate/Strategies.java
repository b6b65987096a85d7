package org.fedflink.aggregate;

/**
 * Creates the server strategies. Each returns an immutable, serializable value object (a record)
 * whose {@code equals} compares every hyperparameter and whose {@code toString} shows them all.
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
     * The centralized learner's rule: a single learner's deltas are added as they are
     * ({@code global += sum(delta_i)}), so the global model equals the learner's own parameters.
     * See {@link SumStrategy}.
     */
    public static AggregationStrategy sum() {
        return new SumStrategy();
    }
}
