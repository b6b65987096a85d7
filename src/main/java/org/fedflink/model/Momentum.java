package org.fedflink.model;

/**
 * Heavy-ball momentum (Polyak 1964), in the form used by most deep-learning libraries:
 * {@code v = mu * v + grad; w -= lr(t) * v}, with the per-coordinate gradient defined in
 * {@link LocalOptimizer}. The state is the velocity {@code v}, one float per parameter at the
 * parameter's index.
 *
 * <p>With sparse features only the present coordinates and the biases have their velocity decayed
 * and applied (lazy, like the L2 term), so a rare feature's velocity is frozen between the
 * examples that contain it rather than decayed by {@code mu} on every step. {@link #applyGradient}
 * decays and applies every coordinate's velocity.
 *
 * <p>Immutable, serializable and thread-safe (state and parameters are the caller's). Arithmetic
 * is done in double and stored as float. Create via {@link LocalOptimizers#momentum}.
 *
 * @param rate the learning-rate schedule; required
 * @param mu the momentum coefficient, in {@code [0, 1)}; 0 is plain SGD
 */
public record Momentum(LearningRate rate, double mu) implements LocalOptimizer {

    /** @throws IllegalArgumentException if {@code rate} is null or {@code mu} is outside {@code [0, 1)} */
    public Momentum {
        Checks.requireRate(rate);
        // mu >= 1 makes the velocity a non-decaying (or growing) sum of all past gradients.
        if (!(mu >= 0 && mu < 1)) {
            throw new IllegalArgumentException("mu must be in [0, 1), got " + mu);
        }
    }

    @Override
    public int stateSize(int numParams) {
        return numParams;
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
        Checks.checkStep(params, state, spec.numParams(), spec, indices, values, outputGradient);
        double lr = rate.at(step);
        double l2 = spec.l2();
        int features = spec.features();
        int row = spec.rowLength();
        for (int k = 0, outputs = spec.outputs(); k < outputs; k++) {
            int offset = k * row;
            double g = outputGradient[k];
            if (indices == null) {
                for (int j = 0; j < features; j++) {
                    int p = offset + j;
                    double w = params[p];
                    double v = mu * state[p] + (g * values[j] + l2 * w);
                    state[p] = (float) v;
                    params[p] = (float) (w - lr * v);
                }
            } else {
                for (int i = 0; i < indices.length; i++) {
                    int p = offset + indices[i];
                    double w = params[p];
                    double v = mu * state[p] + (g * values[i] + l2 * w);
                    state[p] = (float) v;
                    params[p] = (float) (w - lr * v);
                }
            }
            int bias = offset + features;
            double v = mu * state[bias] + g;
            state[bias] = (float) v;
            params[bias] = (float) (params[bias] - lr * v);
        }
    }

    @Override
    public void applyGradient(float[] params, float[] state, long step, float[] gradient) {
        Checks.checkGradientStep(params, state, params.length, gradient);
        double lr = rate.at(step);
        for (int p = 0; p < params.length; p++) {
            double v = mu * state[p] + gradient[p];
            state[p] = (float) v;
            params[p] = (float) (params[p] - lr * v);
        }
    }

    @Override
    public double learningRate(long step) {
        return rate.at(step);
    }
}
