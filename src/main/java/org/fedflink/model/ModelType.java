package org.fedflink.model;

/**
 * The supervised models a trainer can learn. The first three are linear in their parameters
 * ({@link LinearModel}); {@link #MLP} is not ({@link GradientModel}).
 */
public enum ModelType {
    /** Linear regression, squared loss {@code (y - w.x - b)^2 / 2}. */
    LINEAR,
    /** Binary logistic regression, labels 0 and 1, log loss. */
    LOGISTIC,
    /** Multiclass softmax (multinomial logistic) regression, labels 0..classes-1, log loss. */
    SOFTMAX,
    /**
     * Multilayer perceptron: one or two ReLU hidden layers ({@link ModelSpec#hidden()}) and a
     * softmax output, labels 0..classes-1, log loss. See {@link MultilayerPerceptron}.
     */
    MLP
}
