package org.fedflink.model;

/**
 * Plain stochastic gradient descent, one example per step: {@code w -= lr(t) * grad} with the
 * per-coordinate gradient defined in {@link LocalOptimizer} (L2 on weights only, lazily on the
 * coordinates present in a sparse example) or given whole by {@link #applyGradient}. Stateless:
 * {@link #stateSize} is 0.
 *
 * <p>Immutable, serializable and thread-safe (state and parameters are the caller's). Arithmetic
 * is done in double and stored as float. Create via {@link LocalOptimizers#sgd}.
 *
 * @param rate the learning-rate schedule; required
 */
public record Sgd(LearningRate rate) implements LocalOptimizer {

    /** @throws IllegalArgumentException if {@code rate} is null */
    public Sgd {
        Checks.requireRate(rate);
    }

    @Override
    public int stateSize(int numParams) {
        return 0;
    }

    @Override
    public void step(
            float[] params,
            float[] state,
            long step,
            ModelSpec spec,
            int[] indices,
            float[] values,
            double[] outputGradient) {
        Checks.checkStep(params, state, 0, spec, indices, values, outputGradient);
        double lr = rate.at(step);
        double l2 = spec.l2();
        int features = spec.features();
        int row = spec.rowLength();
        for (int k = 0, outputs = spec.outputs(); k < outputs; k++) {
            int offset = k * row;
            double g = outputGradient[k];
            if (indices == null) {
                // w - lr (g x + l2 w) = w (1 - lr l2) - (lr g) x, in float: a plain float loop
                // that the JIT vectorizes (the double form converts every element twice)
                float keep = (float) (1 - lr * l2);
                float scale = (float) (lr * g);
                for (int j = 0; j < features; j++) {
                    params[offset + j] = params[offset + j] * keep - scale * values[j];
                }
            } else {
                for (int i = 0; i < indices.length; i++) {
                    int p = offset + indices[i];
                    double w = params[p];
                    params[p] = (float) (w - lr * (g * values[i] + l2 * w));
                }
            }
            int bias = offset + features;
            params[bias] = (float) (params[bias] - lr * g);
        }
    }

    /**
     * The step {@link #step} would take from {@code params}, added to {@code target} instead of
     * applied: {@code target[p] -= lr * grad_p}, with the gradient (and its lazy L2 term) taken at
     * {@code params}, which stay unchanged. FedSGD's trainers sum these steps at the global model.
     */
    static void addStep(float[] params, float[] target, double lr, ModelSpec spec, int[] indices, float[] values,
            double[] outputGradient) {
        double l2 = spec.l2();
        int features = spec.features();
        int row = spec.rowLength();
        for (int k = 0, outputs = spec.outputs(); k < outputs; k++) {
            int offset = k * row;
            double g = outputGradient[k];
            if (indices == null) {
                for (int j = 0; j < features; j++) {
                    target[offset + j] = (float) (target[offset + j] - lr * (g * values[j] + l2 * params[offset + j]));
                }
            } else {
                for (int i = 0; i < indices.length; i++) {
                    int p = offset + indices[i];
                    target[p] = (float) (target[p] - lr * (g * values[i] + l2 * params[p]));
                }
            }
            int bias = offset + features;
            target[bias] = (float) (target[bias] - lr * g);
        }
    }

    @Override
    public void applyGradient(float[] params, float[] state, long step, float[] gradient) {
        Checks.checkGradientStep(params, state, 0, gradient);
        double lr = rate.at(step);
        for (int p = 0; p < params.length; p++) {
            params[p] = (float) (params[p] - lr * gradient[p]);
        }
    }

    @Override
    public double learningRate(long step) {
        return rate.at(step);
    }
}
