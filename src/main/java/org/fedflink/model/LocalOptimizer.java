package org.fedflink.model;

/**
 * A local (client-side) optimizer: applies one example's gradient to the parameters.
 *
 * <p>Lifecycle: an optimizer object holds configuration only; its per-learner state lives in a
 * {@code float[]} of length {@link #stateSize(int)} that the caller owns (so a trainer can keep
 * it in Flink state) and passes to every {@link #step}. A fresh state is all zeros.
 *
 * <p>For output {@code k} with output gradient {@code g_k}, the gradient of weight {@code j} is
 * {@code g_k * x_j + l2 * w_kj} and of the bias {@code g_k}. With sparse features only the
 * coordinates present in the example (and the biases) are touched, including the L2 term and the
 * optimizer state (lazy regularisation, as usual for sparse online learning).
 */
public interface LocalOptimizer extends java.io.Serializable {

    /** Length of the optimizer state for a model with {@code numParams} parameters. */
    int stateSize(int numParams);

    /**
     * Applies one step.
     *
     * @param params parameters, updated in place
     * @param state optimizer state, updated in place
     * @param step 0-based index of this step for this learner (drives the schedule)
     * @param spec the model shape (layout and l2)
     * @param indices sparse indices or {@code null} for dense
     * @param values feature values
     * @param outputGradient {@code dLoss/dz_k} per output, as computed by {@link Model}
     */
    void step(
            float[] params,
            float[] state,
            long step,
            ModelSpec spec,
            int[] indices,
            float[] values,
            double[] outputGradient);
}
