package org.fedflink.model;

/**
 * Creates the local optimizers. Each returns an immutable, serializable value object (a record)
 * whose {@code equals} compares every hyperparameter and whose {@code toString} shows them all.
 */
public final class LocalOptimizers {
    private LocalOptimizers() {}

    /**
     * Plain SGD: {@code w -= lr(t) * g}. See {@link Sgd}.
     *
     * @throws IllegalArgumentException if {@code rate} is null
     */
    public static LocalOptimizer sgd(LearningRate rate) {
        return new Sgd(rate);
    }

    /**
     * Heavy-ball momentum: {@code v = mu * v + g; w -= lr(t) * v}. See {@link Momentum}.
     *
     * @throws IllegalArgumentException if {@code rate} is null or {@code mu} is outside {@code [0, 1)}
     */
    public static LocalOptimizer momentum(LearningRate rate, double mu) {
        return new Momentum(rate, mu);
    }

    /**
     * Adagrad (Duchi, Hazan, Singer 2011): {@code G += g^2; w -= lr(t) * g / (sqrt(G) + eps)}.
     * See {@link Adagrad}.
     *
     * @throws IllegalArgumentException if {@code rate} is null or {@code epsilon} is not finite and positive
     */
    public static LocalOptimizer adagrad(LearningRate rate, double epsilon) {
        return new Adagrad(rate, epsilon);
    }

    /**
     * Adagrad whose sum of squared gradients forgets: {@code G = decay * G + g^2}. See
     * {@link Adagrad}.
     *
     * @throws IllegalArgumentException as {@link #adagrad(LearningRate, double)}, or if
     *     {@code decay} is not in {@code (0, 1]}
     */
    public static LocalOptimizer adagrad(LearningRate rate, double epsilon, double decay) {
        return new Adagrad(rate, epsilon, decay);
    }

    /**
     * FTRL-Proximal (McMahan et al. 2013), with its own per-coordinate step sizes {@code alpha /
     * (beta + sqrt(n))}, L1 and L2, robust to weights changed between steps. See {@link Ftrl}.
     *
     * @throws IllegalArgumentException if {@code alpha} or {@code beta} is not finite and positive, or
     *     {@code l1} or {@code l2} is not finite and non-negative
     */
    public static LocalOptimizer ftrl(double alpha, double beta, double l1, double l2) {
        return new Ftrl(alpha, beta, l1, l2);
    }
}
