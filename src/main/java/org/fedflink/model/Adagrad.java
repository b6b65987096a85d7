package org.fedflink.model;

/**
 * Adagrad, the diagonal variant of Duchi, Hazan and Singer, "Adaptive Subgradient Methods for
 * Online Learning and Stochastic Optimization", JMLR 12 (2011):
 * {@code G = decay * G + grad^2; w -= lr(t) * grad / (sqrt(G) + epsilon)}, with the per-coordinate
 * gradient defined in {@link LocalOptimizer}. The state is the (decayed) sum of squared gradients
 * {@code G}, one float per parameter at the parameter's index.
 *
 * <p>With {@code decay} 1 it is the paper's Adagrad: {@code G} only grows, so a coordinate's step
 * shrinks like {@code 1 / sqrt(its steps)} for ever, and a model on an unbounded, drifting stream
 * stops following it. Below 1, {@code G} forgets (as RMSProp's average does, but summed: a step is
 * never larger than Adagrad's first one, {@code lr}): it spans about {@code 1 / (1 - decay)} steps
 * of the coordinate, and steps level off at about {@code lr * sqrt(1 - decay)} times the gradient's
 * sign. A sparse coordinate decays only at the steps that touch it.
 *
 * <p>Rare sparse features keep a small {@code G} and so a large step, which is why Adagrad suits
 * sparse online learning; only present coordinates and the biases are touched by {@link #step}.
 * {@link #applyGradient} accumulates every coordinate (a zero gradient leaves it unchanged).
 *
 * <p>Immutable, serializable and thread-safe (state and parameters are the caller's). Arithmetic
 * is done in double and stored as float. Create via {@link LocalOptimizers#adagrad}.
 *
 * @param rate the learning-rate schedule (usually constant, the adaptivity is in {@code G}); required
 * @param epsilon added to {@code sqrt(G)}; finite and {@code > 0}
 * @param decay what {@code G} keeps of itself at each step of its coordinate; in {@code (0, 1]}
 */
public record Adagrad(LearningRate rate, double epsilon, double decay) implements LocalOptimizer {

    /**
     * @throws IllegalArgumentException if {@code rate} is null, {@code epsilon} is not finite and
     *     positive or {@code decay} is not in {@code (0, 1]}
     */
    public Adagrad {
        Checks.requireRate(rate);
        // epsilon = 0 would turn a first zero gradient into 0 / 0 = NaN.
        if (!(epsilon > 0) || !Double.isFinite(epsilon)) {
            throw new IllegalArgumentException("epsilon must be finite and > 0, got " + epsilon);
        }
        if (!(decay > 0 && decay <= 1)) {
            throw new IllegalArgumentException("decay must be in (0, 1], got " + decay);
        }
    }

    /** The paper's Adagrad: {@code G} never forgets. */
    public Adagrad(LearningRate rate, double epsilon) {
        this(rate, epsilon, 1);
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
                    double grad = g * values[j] + l2 * w;
                    double sumSq = decay * state[p] + grad * grad;
                    state[p] = (float) sumSq;
                    params[p] = (float) (w - lr * grad / (Math.sqrt(sumSq) + epsilon));
                }
            } else {
                for (int i = 0; i < indices.length; i++) {
                    int p = offset + indices[i];
                    double w = params[p];
                    double grad = g * values[i] + l2 * w;
                    double sumSq = decay * state[p] + grad * grad;
                    state[p] = (float) sumSq;
                    params[p] = (float) (w - lr * grad / (Math.sqrt(sumSq) + epsilon));
                }
            }
            int bias = offset + features;
            double sumSq = decay * state[bias] + g * g;
            state[bias] = (float) sumSq;
            params[bias] = (float) (params[bias] - lr * g / (Math.sqrt(sumSq) + epsilon));
        }
    }

    @Override
    public void applyGradient(float[] params, float[] state, long step, float[] gradient) {
        Checks.checkGradientStep(params, state, params.length, gradient);
        double lr = rate.at(step);
        for (int p = 0; p < params.length; p++) {
            double grad = gradient[p];
            double sumSq = decay * state[p] + grad * grad;
            state[p] = (float) sumSq;
            params[p] = (float) (params[p] - lr * grad / (Math.sqrt(sumSq) + epsilon));
        }
    }

    @Override
    public double learningRate(long step) {
        return rate.at(step);
    }
}
