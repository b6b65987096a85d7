package org.fedflink.model;

/**
 * The same step size at every step. Immutable and serializable.
 *
 * @param rate the step size; finite and {@code > 0}
 */
public record ConstantLearningRate(double rate) implements LearningRate {

    /** @throws IllegalArgumentException if {@code rate} is not finite and positive */
    public ConstantLearningRate {
        Checks.checkRate(rate);
    }

    /** @throws IllegalArgumentException if {@code step < 0} */
    @Override
    public double at(long step) {
        Checks.checkStepIndex(step);
        return rate;
    }
}
