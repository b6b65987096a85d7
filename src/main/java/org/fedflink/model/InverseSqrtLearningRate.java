package org.fedflink.model;

/**
 * The schedule {@code rate / sqrt(1 + decay * t)}: the classic {@code O(1/sqrt(t))} decay under
 * which online gradient descent has sublinear regret on convex losses (Zinkevich 2003). With
 * {@code decay == 0} it is constant. Immutable and serializable.
 *
 * @param rate the step size at {@code t = 0}; finite and {@code > 0}
 * @param decay how fast the rate decays; finite and {@code >= 0}
 */
public record InverseSqrtLearningRate(double rate, double decay) implements LearningRate {

    /** @throws IllegalArgumentException if {@code rate} or {@code decay} is out of range */
    public InverseSqrtLearningRate {
        Checks.checkRate(rate);
        Checks.checkDecay(decay);
    }

    /** @throws IllegalArgumentException if {@code step < 0} */
    @Override
    public double at(long step) {
        Checks.checkStepIndex(step);
        return rate / Math.sqrt(1.0 + decay * step);
    }
}
