package org.fedflink.aggregate;

/**
 * SCAFFOLD's server (Karimireddy, Kale, Mohri, Reddi, Stich and Suresh, "SCAFFOLD: Stochastic
 * Controlled Averaging for Federated Learning", ICML 2020, Algorithm 1): the model step is
 * FedAvg's, {@code global += serverLearningRate * sum(n_i * delta_i) / sum(n_i)} (the paper's
 * unweighted mean, weighted by samples here as everywhere in fedflink); the server state is the
 * server control variate {@code c}, one float per parameter.
 *
 * <p>The control variate moves by the sources' control deltas, which travel beside the model
 * deltas: the caller collects them in a {@link ScaffoldControl#newRound} and applies
 * {@link ScaffoldControl#update} to the server state (which is {@code c}) after {@link #apply}.
 * The corrected local steps ({@code gradient - c_i + c}) are the trainers'. Immutable and
 * serializable. Create via {@link Strategies#scaffold}.
 *
 * @param serverLearningRate the global step size {@code eta_g}; finite and {@code > 0}
 */
public record Scaffold(double serverLearningRate) implements AggregationStrategy {

    /** @throws IllegalArgumentException if {@code serverLearningRate} is not finite and positive */
    public Scaffold {
        Knobs.positive("serverLearningRate", serverLearningRate);
    }

    /** The server control variate {@code c}: the whole server state. */
    @Override
    public int stateSize(int length) {
        return length;
    }

    @Override
    public RoundAccumulator newRound(int length) {
        return modelStep().newRound(length);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Moves the model only, exactly as FedAvg; the control variate is the caller's to update
     * (see the class comment).
     *
     * @throws IllegalStateException if the round has no updates
     */
    @Override
    public void apply(float[] global, float[] serverState, RoundAccumulator round) {
        modelStep().apply(global, null, round);
    }

    private FedAvg modelStep() {
        return new FedAvg(serverLearningRate);
    }
}
