package org.fedflink.model;

/**
 * The schedule {@code rate / (1 + decay * t)}: the {@code O(1/t)} decay suited to strongly convex
 * losses (for example with L2 > 0). With {@code decay == 0} it is constant. Immutable and
 * serializable.
 *
 * @param rate the step size at {@code t = 0}; finite and {@code > 0}
 * @param decay how fast the rate decays; finite and {@code >= 0}
 */
public record InverseLearningRate(double rate, double decay) implements LearningRate {

    /** @throws IllegalArgumentException if {@code rate} or {@code decay} is out of range */
    public InverseLearningRate {
        Checks.checkRate(rate);
        Checks.checkDecay(decay);
    }

    /** @throws IllegalArgumentException if {@code step < 0} */
    @Override
    public double at(long step) {
        Checks.checkStepIndex(step);
        return rate / (1.0 + decay * step);
    }
}
