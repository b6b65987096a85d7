package org.fedflink.model;

/**
 * A model that is not linear in its parameters (a multilayer perceptron): it writes the whole
 * parameter gradient, which {@link LocalOptimizer#applyGradient} applies coordinate by coordinate,
 * or, for plain SGD, takes the step itself ({@link #lossAndSgdStep}) without materialising the
 * gradient. Either way one forward pass per example suffices: {@link #lastPrediction()} is the
 * prediction that pass made, so predict-then-train needs no second pass.
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

    /**
     * Computes the loss of one example and takes one plain SGD step in place:
     * {@code params -= learningRate * g}, where {@code g} is the gradient {@link #lossAndGradient}
     * would write (L2 included), evaluated at the parameters before the step. Equal to
     * {@code lossAndGradient} followed by {@link Sgd#applyGradient} up to float rounding, and much
     * cheaper: coordinates whose gradient is 0 are not touched and no gradient array is written.
     *
     * @param params parameters, updated in place
     * @param learningRate the step size of this step; finite and {@code > 0}
     * @return the loss of the example before the step, without the L2 penalty
     * @throws IllegalArgumentException if a shape, the label or the learning rate is invalid (the
     *     parameters are then unchanged)
     */
    double lossAndSgdStep(float[] params, int[] indices, float[] values, double label, double learningRate);

    /**
     * The prediction ({@link #predict}) of the latest forward pass on this instance. Every method
     * that takes an example runs one, so after {@link #lossAndGradient} or {@link #lossAndSgdStep}
     * this is the prediction made before the step.
     *
     * @throws IllegalStateException if the instance has not seen an example yet
     */
    double lastPrediction();
}
