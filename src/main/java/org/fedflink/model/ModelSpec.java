package org.fedflink.model;

/**
 * The shape of a model: type, input dimension, number of classes and L2 strength.
 *
 * <p>Parameter layout (shared by every model, trainer, aggregator and file format): one row per
 * output, each row holds {@code features} weights followed by one bias, so parameter {@code j} of
 * output {@code k} is at {@code k * (features + 1) + j} and the bias of output {@code k} at
 * {@code k * (features + 1) + features}. Linear and logistic models have one output, softmax has
 * {@code classes} outputs.
 *
 * @param type the model
 * @param features input dimension
 * @param classes number of classes (2 for logistic, ignored for linear)
 * @param l2 L2 regularisation strength applied to weights (not biases)
 */
public record ModelSpec(ModelType type, int features, int classes, double l2) implements java.io.Serializable {

    public ModelSpec {
        if (type == null) {
            throw new IllegalArgumentException("model type is required");
        }
        if (features < 1) {
            throw new IllegalArgumentException("features must be >= 1, got " + features);
        }
        if (type == ModelType.SOFTMAX && classes < 2) {
            throw new IllegalArgumentException("softmax needs classes >= 2, got " + classes);
        }
        if (l2 < 0 || !Double.isFinite(l2)) {
            throw new IllegalArgumentException("l2 must be finite and >= 0, got " + l2);
        }
    }

    /** Number of outputs (rows of the parameter matrix). */
    public int outputs() {
        return type == ModelType.SOFTMAX ? classes : 1;
    }

    /** Length of one row: the weights and the bias. */
    public int rowLength() {
        return features + 1;
    }

    /** Total number of parameters. */
    public int numParams() {
        return outputs() * rowLength();
    }

    /** Whether labels are classes (accuracy is defined) rather than real values. */
    public boolean isClassifier() {
        return type != ModelType.LINEAR;
    }
}
