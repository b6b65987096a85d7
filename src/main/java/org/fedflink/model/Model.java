package org.fedflink.model;

/**
 * A supervised model over the parameter vector laid out as {@link ModelSpec} describes: predicts,
 * scores and (through one of its two training interfaces) yields the gradient a
 * {@link LocalOptimizer} applies.
 *
 * <ul>
 *   <li>{@link LinearModel} (linear, logistic, softmax): linear in its parameters, so one
 *       {@code dLoss/dz} per output is the whole gradient; trained with the row-wise
 *       {@link LocalOptimizer#step}, which keeps sparse updates O(nnz).
 *   <li>{@link GradientModel} (the multilayer perceptron): writes the full parameter gradient,
 *       trained with {@link LocalOptimizer#applyGradient}.
 * </ul>
 * {@link OnlineLearner} dispatches between the two, so callers need not.
 *
 * <p>Parameters are passed in. Features are dense when {@code indices == null}, else sparse.
 * The linear models are stateless and thread-safe; see the implementing class otherwise
 * ({@link MultilayerPerceptron} keeps per-instance scratch buffers and is not thread-safe).
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

    /** The prediction: a class index for classifiers, the predicted value for regression. */
    double predict(float[] params, int[] indices, float[] values);

    /**
     * Loss of one example without computing a gradient: log loss in nats for classifiers,
     * squared loss / 2 for regression. The L2 penalty is never included.
     */
    double loss(float[] params, int[] indices, float[] values, double label);

    /**
     * Writes the model's output distribution for one example into {@code out[0 .. spec().outputs())}
     * (for AUC and log-loss evaluation); entries beyond are left alone.
     *
     * <ul>
     *   <li>softmax and MLP: the class probabilities {@code out[k] = P(y = k)}, summing to 1;
     *   <li>logistic: {@code out[0] = P(y = 1)};
     *   <li>linear: {@code out[0]} is the predicted value (not a probability).
     * </ul>
     *
     * @throws IllegalArgumentException if {@code out} is shorter than {@code spec().outputs()}
     */
    void probabilities(float[] params, int[] indices, float[] values, double[] out);

    /**
     * Parameters of a fresh model. The linear models start from zeros (their loss is convex, so
     * the start does not matter) and ignore the seed; a multilayer perceptron needs random weights
     * to break the symmetry between hidden units and draws them deterministically from
     * {@code seed}.
     *
     * <p>In federated training every source starts from the same global model, so the seed must
     * be a job-level constant (the job's seed), never per source, task or attempt: the global
     * initial model and every trainer's fresh parameters must agree bit for bit.
     */
    default float[] initialParams(long seed) {
        return new float[spec().numParams()];
    }

    /**
     * Creates the model for a spec: a {@link LinearModel} for {@code LINEAR}, {@code LOGISTIC}
     * and {@code SOFTMAX}, a {@link GradientModel} for {@code MLP}. Each call returns a new
     * instance (an MLP's scratch buffers are per instance).
     */
    static Model of(ModelSpec spec) {
        if (spec == null) {
            throw new IllegalArgumentException("spec is required");
        }
        return switch (spec.type()) {
            case LINEAR -> new LinearRegression(spec);
            case LOGISTIC -> new LogisticRegression(spec);
            case SOFTMAX -> new SoftmaxRegression(spec);
            case MLP -> new MultilayerPerceptron(spec);
        };
    }
}
