package org.fedflink.federation;

import java.io.Serializable;
import org.fedflink.model.OnlineLearner;

/**
 * The client side of a strategy: how a source's local steps and its reports are shaped. A
 * strategy ({@link AggregationStrategy}) is its server rule together with the local steps it asks
 * for ({@link AggregationStrategy#localStep()}); SCAFFOLD's corrected steps live beside its server
 * rule ({@link Scaffold.ControlledSteps}).
 */
public sealed interface LocalStep extends Serializable
        permits LocalStep.Plain, LocalStep.Proximal, LocalStep.Gradient, Scaffold.ControlledSteps {

    /** The optimizer's step, nothing else (FedAvg and every server-side rule). */
    static LocalStep plain() {
        return new Plain();
    }

    /**
     * One example's local work at schedule step {@code step}.
     *
     * @param global the newest global parameters, all shards side by side
     * @param serverControl the newest server control variate (SCAFFOLD), else null
     */
    OnlineLearner.Outcome learn(OnlineLearner learner, SourceModel s, float[] global, float[] serverControl,
            long step, int[] indices, float[] values, double label);

    /**
     * Shapes the dense progress {@code delta} a source reports (in place) and returns what the
     * report carries beside it: SCAFFOLD's control variate change, else null.
     */
    default float[] finishReport(SourceModel s, float[] delta, float[] serverControl) {
        return null;
    }

    /**
     * Whether a step touches only the coordinates of its example, which is what a sparse
     * per-source state can hold (a proximal pull or a control correction moves them all).
     */
    default boolean sparseCapable() {
        return false;
    }

    /** Floats a source holds per parameter beyond its model, anchor and optimizer state. */
    default int extraFloatsPerParam() {
        return 0;
    }

    /** A short name, for error messages. */
    String name();

    /** Plain steps: what every server-side rule trains with. */
    record Plain() implements LocalStep {
        @Override
        public OnlineLearner.Outcome learn(OnlineLearner learner, SourceModel s, float[] global, float[] serverControl,
                long step, int[] indices, float[] values, double label) {
            return learner.learn(s.params, s.optimizerState, step, indices, values, label);
        }

        @Override
        public boolean sparseCapable() {
            return true;
        }

        @Override
        public String name() {
            return "plain";
        }
    }

    /** FedProx (Li et al. 2020): the optimizer's step, then a pull of strength {@code mu} towards the global model. */
    record Proximal(double mu) implements LocalStep {
        public Proximal {
            if (!(mu >= 0) || !Double.isFinite(mu)) {
                throw new IllegalArgumentException("FedProx's mu must be finite and at least 0, got " + mu);
            }
        }

        @Override
        public OnlineLearner.Outcome learn(OnlineLearner learner, SourceModel s, float[] global, float[] serverControl,
                long step, int[] indices, float[] values, double label) {
            OnlineLearner.Outcome outcome = learner.learn(s.params, s.optimizerState, step, indices, values, label);
            learner.proximalStep(s.params, global, step, mu);
            return outcome;
        }

        @Override
        public String name() {
            return "proximal";
        }
    }

    /**
     * FedSGD: no local steps; the source sums the SGD steps its examples ask for at the global
     * model ({@code params - anchor} accumulates them) and reports their mean.
     */
    record Gradient() implements LocalStep {
        @Override
        public OnlineLearner.Outcome learn(OnlineLearner learner, SourceModel s, float[] global, float[] serverControl,
                long step, int[] indices, float[] values, double label) {
            // scored and differentiated at the global model, which no local step moves
            return learner.accumulateStep(global, step, indices, values, label, s.params);
        }

        @Override
        public float[] finishReport(SourceModel s, float[] delta, float[] serverControl) {
            float mean = 1f / s.samples;
            for (int j = 0; j < delta.length; j++) {
                delta[j] *= mean;
            }
            return null;
        }

        @Override
        public String name() {
            return "gradient";
        }
    }
}
