package org.fedflink.model;

/**
 * A model that is not linear in its parameters (a multilayer perceptron): it writes the whole
 * parameter gradient, which {@link LocalOptimizer#applyGradient} applies coordinate by coordinate.
 *
 * <p>L2 is applied here, by the model, rather than by the optimizer (which only sees a flat
 * gradient and cannot tell weights from biases): the written gradient is that of
 * {@code loss + (l2 / 2) * sum of squared weights}, biases excluded, exactly the per-coordinate
 * gradient the linear path forms in {@link LocalOptimizer#step} ({@code dLoss/dw + l2 * w}, biases
 * {@code dLoss/db}). Because the gradient is dense, every weight is regularised on every step,
 * also for sparse examples (the linear path regularises only the present coordinates).
 */
public interface GradientModel extends Model {

    /**
     * Computes the loss of one example and overwrites {@code gradient} (length
     * {@code spec().numParams()}, same layout as the parameters) with the gradient of the loss plus
     * the L2 penalty on weights.
     *
     * @return the loss of the example without the L2 penalty (as {@link #loss} returns it)
     * @throws IllegalArgumentException if a shape or the label is invalid, or {@code gradient} has
     *     another length than the parameters
     */
    double lossAndGradient(float[] params, int[] indices, float[] values, double label, float[] gradient);
}
