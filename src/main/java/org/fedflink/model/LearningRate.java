package org.fedflink.model;

/**
 * A learning-rate schedule: the step size for local step {@code t} (0-based count of steps the
 * learner has taken). Implementations are immutable value objects.
 */
public interface LearningRate extends java.io.Serializable {

    double at(long step);

    /** {@code rate} at every step. */
    static LearningRate constant(double rate) {
        return new ConstantLearningRate(rate);
    }

    /** {@code rate / sqrt(1 + decay * t)}. */
    static LearningRate inverseSqrt(double rate, double decay) {
        return new InverseSqrtLearningRate(rate, decay);
    }

    /** {@code rate / (1 + decay * t)}. */
    static LearningRate inverse(double rate, double decay) {
        return new InverseLearningRate(rate, decay);
    }
}
