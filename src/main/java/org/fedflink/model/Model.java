package org.fedflink.model;

/**
 * A model that is linear in its parameters: it maps a feature vector to {@link ModelSpec#outputs()}
 * scores {@code z_k = w_k . x + b_k} and has a loss whose gradient with respect to each row is
 * {@code dLoss/dz_k * x} (plus {@code dLoss/dz_k} for the bias).
 *
 * <p>Implementations are stateless and thread-safe; parameters are passed in, laid out as
 * {@link ModelSpec} describes. Features are dense when {@code indices == null}, else sparse.
 *
 * <p>Preconditions: dense {@code values} have length {@code spec().features()}, sparse
 * {@code indices} and {@code values} have equal length, and {@code params} has length
 * {@code spec().numParams()}; violations throw {@link IllegalArgumentException}. Sparse indices
 * must lie in {@code [0, features)}: that is the caller's job (validated once per example
 * upstream) and not checked here, because an O(nnz) check on every call would duplicate it.
 * Classifier labels must be class indices (0/1 for logistic); others are rejected.
 */
public interface Model {

    ModelSpec spec();

    /**
     * Computes the loss of one example and writes {@code dLoss/dz_k} for each output into
     * {@code outputGradient} (length {@code spec().outputs()}). L2 is not included.
     *
     * @return the loss of the example (squared loss / 2, or log loss in nats)
     */
    double lossAndOutputGradient(
            float[] params, int[] indices, float[] values, double label, double[] outputGradient);

    /** The prediction: a class index for classifiers, the predicted value for regression. */
    double predict(float[] params, int[] indices, float[] values);

    /** Loss of one example without computing a gradient. */
    double loss(float[] params, int[] indices, float[] values, double label);

    /** Creates the model for a spec. */
    static Model of(ModelSpec spec) {
        return switch (spec.type()) {
            case LINEAR -> new LinearRegression(spec);
            case LOGISTIC -> new LogisticRegression(spec);
            case SOFTMAX -> new SoftmaxRegression(spec);
        };
    }
}
