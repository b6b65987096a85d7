package org.fedflink.model;

/** The supervised models a trainer can learn; each is linear in its parameters. */
public enum ModelType {
    /** Linear regression, squared loss {@code (y - w.x - b)^2 / 2}. */
    LINEAR,
    /** Binary logistic regression, labels 0 and 1, log loss. */
    LOGISTIC,
    /** Multiclass softmax (multinomial logistic) regression, labels 0..classes-1, log loss. */
    SOFTMAX
}
