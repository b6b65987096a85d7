package org.fedflink.model;

/** Creates the local optimizers by name. */
public final class LocalOptimizers {
    private LocalOptimizers() {}

    /** Plain SGD: {@code w -= lr(t) * g}. */
    public static LocalOptimizer sgd(LearningRate rate) {
        throw new UnsupportedOperationException("TODO");
    }

    /** Heavy-ball momentum: {@code v = mu * v + g; w -= lr(t) * v}. */
    public static LocalOptimizer momentum(LearningRate rate, double mu) {
        throw new UnsupportedOperationException("TODO");
    }

    /** Adagrad (Duchi, Hazan, Singer 2011): {@code G += g^2; w -= lr(t) * g / (sqrt(G) + eps)}. */
    public static LocalOptimizer adagrad(LearningRate rate, double epsilon) {
        throw new UnsupportedOperationException("TODO");
    }
}
