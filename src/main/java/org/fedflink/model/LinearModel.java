package org.fedflink.model;

/**
 * A model that is linear in its parameters: it maps a feature vector to {@link ModelSpec#outputs()}
 * scores {@code z_k = w_k . x + b_k} and has a loss whose gradient with respect to each row is
 * {@code dLoss/dz_k * x} (plus {@code dLoss/dz_k} for the bias). That gradient is never
 * materialised: {@link LocalOptimizer#step} applies it row by row from the per-output
 * {@code dLoss/dz_k}, touching only the present coordinates of a sparse example.
 *
 * <p>Implementations are stateless and thread-safe. Preconditions as in {@link Model}.
 */
public interface LinearModel extends Model {

    /**
     * Computes the loss of one example and writes {@code dLoss/dz_k} for each output into
     * {@code outputGradient} (length {@code spec().outputs()}). L2 is not included: the optimizer
     * adds {@code l2 * w} to each weight's gradient.
     *
     * @return the loss of the example (squared loss / 2, or log loss in nats)
     */
    default double lossAndOutputGradient(
            float[] params, int[] indices, float[] values, double label, double[] outputGradient) {
        return lossGradientAndPrediction(params, indices, values, label, outputGradient, null);
    }

    /**
     * {@link #lossAndOutputGradient} and, in {@code prediction[0]} unless {@code prediction} is
     * null, what {@link #predict} returns for the same parameters: the prequential prediction made
     * before a training step, from the same pass over the scores.
     */
    double lossGradientAndPrediction(
            float[] params, int[] indices, float[] values, double label, double[] outputGradient, double[] prediction);

    /**
     * The linear model for a spec of type {@code LINEAR}, {@code LOGISTIC} or {@code SOFTMAX}.
     *
     * @throws IllegalArgumentException if the spec is null or of a type that is not linear
     */
    static LinearModel of(ModelSpec spec) {
        if (Model.of(spec) instanceof LinearModel linear) {
            return linear;
        }
        throw new IllegalArgumentException("spec type " + spec.type() + " is not a linear model");
    }
}
