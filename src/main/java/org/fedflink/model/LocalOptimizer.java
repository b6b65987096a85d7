package org.fedflink.model;

/**
 * A local (client-side) optimizer: applies one example's gradient to the parameters.
 *
 * <p>Lifecycle: an optimizer object holds configuration only; its per-learner state lives in a
 * {@code float[]} of length {@link #stateSize(int)} that the caller owns (so a trainer can keep
 * it in Flink state) and passes to every step. A fresh state is all zeros. Both kinds of step
 * below use the same state, schedule and update rule per coordinate; they differ only in how the
 * gradient arrives.
 *
 * <p>State is per coordinate, in planes: for a model of {@code P} parameters, {@link
 * #stateSize(int)} is {@code S * P} for a whole number {@code S} of floats per coordinate, and the
 * {@code s}-th float of coordinate {@code p} is at {@code s * P + p}; a step reads and writes the
 * state of the coordinates it moves and no other. The trainer's sparse state layout ({@link
 * OffsetLearner}) relies on this to keep only the touched coordinates' state.
 *
 * <p>{@link #step} serves a {@link LinearModel}: for output {@code k} with output gradient
 * {@code g_k}, the gradient of weight {@code j} is {@code g_k * x_j + l2 * w_kj} and of the bias
 * {@code g_k}. With sparse features only the coordinates present in the example (and the biases)
 * are touched, including the L2 term and the optimizer state (lazy regularisation, as usual for
 * sparse online learning).
 *
 * <p>{@link #applyGradient} serves a {@link GradientModel}: the gradient of every parameter is
 * given (L2 already included by the model), and every coordinate is updated. ({@link OnlineLearner}
 * lets a gradient model take a plain {@link Sgd} step itself, {@link GradientModel#lossAndSgdStep},
 * which is the same step without the gradient array.)
 */
public interface LocalOptimizer extends java.io.Serializable {

    /** Length of the optimizer state for a model with {@code numParams} parameters. */
    int stateSize(int numParams);

    /**
     * Applies one row-wise step for a linear model.
     *
     * @param params parameters, updated in place
     * @param state optimizer state, updated in place
     * @param step 0-based index of this step for this learner (drives the schedule)
     * @param spec the model shape (layout and l2); must be one of the linear types
     * @param indices sparse indices or {@code null} for dense
     * @param values feature values
     * @param outputGradient {@code dLoss/dz_k} per output, as computed by {@link LinearModel}
     * @throws IllegalArgumentException if a shape does not match or {@code spec} is an MLP spec
     */
    void step(
            float[] params,
            float[] state,
            long step,
            ModelSpec spec,
            int[] indices,
            float[] values,
            double[] outputGradient);

    /**
     * Applies one step with a full gradient: coordinate {@code p} moves by the optimizer's rule
     * with gradient {@code gradient[p]}, exactly as {@link #step} moves a coordinate whose
     * gradient it formed itself. Regularisation is the caller's (see {@link GradientModel}).
     *
     * @param params parameters, updated in place
     * @param state optimizer state of length {@code stateSize(params.length)}, updated in place
     * @param step 0-based index of this step for this learner (drives the schedule)
     * @param gradient the gradient of every parameter, same length as {@code params}; read only
     * @throws IllegalArgumentException if {@code gradient} or {@code state} has the wrong length
     */
    void applyGradient(float[] params, float[] state, long step, float[] gradient);

    /**
     * The step size this optimizer uses at step {@code step} (its schedule's value; for Adagrad the
     * base rate before the per-coordinate scaling; for FTRL, whose step sizes are per coordinate
     * only, a fixed representative one, see {@link Ftrl#learningRate}). Corrections applied beside
     * the optimizer's own step (FedProx's proximal pull, SCAFFOLD's control variates) move with it.
     */
    double learningRate(long step);
}
