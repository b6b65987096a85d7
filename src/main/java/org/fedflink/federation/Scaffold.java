package org.fedflink.federation;

import org.fedflink.model.OnlineLearner;

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
 * The corrected local steps ({@code gradient - c_i + c}) are its client rule, {@link
 * ControlledSteps}. Immutable and serializable. Create via {@link Strategies#scaffold}.
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

    @Override
    public boolean keepsControlVariate() {
        return true;
    }

    @Override
    public LocalStep localStep() {
        return new ControlledSteps();
    }

    /** SCAFFOLD's client rule: steps corrected by the server's and the source's control variates. */
    public record ControlledSteps() implements LocalStep {
        @Override
        public OnlineLearner.Outcome learn(OnlineLearner learner, SourceModel s, float[] global, float[] serverControl,
                long step, int[] indices, float[] values, double label) {
            OnlineLearner.Outcome outcome = learner.learn(s.params, s.optimizerState, step, indices, values, label);
            if (s.control == null) {
                s.control = new float[s.params.length];
            }
            s.rateSum += learner.controlStep(s.params, serverControl, s.control, step);
            return outcome;
        }

        /**
         * The new source control variate (Algorithm 1, option II): {@code c_i+ = c_i - c + (x - y) /
         * (sum of the step sizes)}, with {@code y - x = delta} the progress since the last report.
         * Stores {@code c_i+} and returns {@code c_i+ - c_i}.
         */
        @Override
        public float[] finishReport(SourceModel s, float[] delta, float[] serverControl) {
            if (s.control == null) {
                s.control = new float[delta.length];
            }
            float[] change = new float[delta.length];
            double inverseRate = s.rateSum > 0 ? 1 / s.rateSum : 0;
            for (int j = 0; j < delta.length; j++) {
                change[j] = (float) (-serverControl[j] - delta[j] * inverseRate);
                s.control[j] += change[j];
            }
            s.rateSum = 0;
            return change;
        }

        @Override
        public int extraFloatsPerParam() {
            return 1;
        }

        @Override
        public String name() {
            return "controlled";
        }
    }
}
