package org.fedflink.model;

/**
 * FTRL-Proximal, Algorithm 1 of McMahan et al., "Ad Click Prediction: a View from the Trenches",
 * KDD 2013: per coordinate, with the gradient {@code g} defined in {@link LocalOptimizer},
 * <pre>
 * sigma = (sqrt(n + g^2) - sqrt(n)) / alpha
 * z    += g - sigma * w
 * n    += g^2
 * w     = 0                                                   if |z| &lt;= l1
 *       = -(z - sign(z) * l1) / ((beta + sqrt(n)) / alpha + l2)  otherwise
 * </pre>
 * Each coordinate has its own step size, {@code alpha / (beta + sqrt(n))}, and the L1 term sets
 * weights to exactly 0 while {@code |z| <= l1}. {@code l1} and {@code l2} act on every coordinate
 * the optimizer steps, biases included (the paper's bias is a feature that is always 1); they are
 * FTRL's own regularisers, applied once to the whole objective through the closed form, and add to
 * the model's L2 ({@link ModelSpec#l2()}), which enters every example's gradient as for any
 * optimizer.
 *
 * <p><b>State</b>: {@code z} and {@code n}, two floats per parameter; for a model of {@code P}
 * parameters, {@code z} of coordinate {@code p} is at {@code state[p]} and {@code n} at {@code
 * state[P + p]}, the layout {@link LocalOptimizer} prescribes for the sparse trainer state.
 *
 * <p><b>Weights changed from outside</b>: plain FTRL keeps only {@code z} and {@code n} and
 * recomputes the weights from them, so a weight set by anyone else (a source adopting a newer
 * global model, {@code params = G + (params - anchor)}; FedProx's pull; an MLP's random initial
 * weights) would be silently replaced by the weight the old {@code z} gives. Here the parameters
 * are the truth: before a coordinate is stepped, if its weight differs from what its stored
 * {@code z} and {@code n} give, {@code z} is re-derived from the weight by inverting the closed
 * form, {@code z = -w * d - sign(w) * l1} with {@code d = (beta + sqrt(n)) / alpha + l2} (for
 * {@code w = 0}, {@code z} is clamped into {@code [-l1, l1]}); {@code n} is kept. The step then
 * starts from the weight that was set. Without outside changes the stored state reproduces every
 * weight bit for bit (weights are computed from the stored floats), so this is exactly Algorithm
 * 1. A zero gradient moves nothing, as in Algorithm 1, and leaves an adopted weight exactly as set
 * (its {@code z} is re-derived at its next non-zero gradient).
 *
 * <p>Immutable, serializable and thread-safe (state and parameters are the caller's). Arithmetic
 * is done in double and stored as float. Create via {@link LocalOptimizers#ftrl}.
 *
 * @param alpha the learning rate {@code alpha} of the per-coordinate step {@code alpha / (beta +
 *     sqrt(n))}; finite and {@code > 0}
 * @param beta the {@code beta} of that step (1 in the paper's experiments); finite and {@code > 0}
 * @param l1 the L1 strength {@code lambda_1}; finite and {@code >= 0}
 * @param l2 the L2 strength {@code lambda_2} of the closed form; finite and {@code >= 0}
 */
public record Ftrl(double alpha, double beta, double l1, double l2) implements LocalOptimizer {

    /** The most parameters whose state fits one Java array. */
    public static final int MAX_PARAMS = (Integer.MAX_VALUE - 8) / 2;

    /** @throws IllegalArgumentException naming the first setting that is out of range, and its value */
    public Ftrl {
        requirePositive("alpha", alpha);
        // beta = 0 would divide by sqrt(n) = 0 on a coordinate's first step
        requirePositive("beta", beta);
        requireNonNegative("l1", l1);
        requireNonNegative("l2", l2);
    }

    private static void requirePositive(String name, double value) {
        if (!(value > 0) || !Double.isFinite(value)) {
            throw new IllegalArgumentException(name + " must be finite and > 0, got " + value);
        }
    }

    private static void requireNonNegative(String name, double value) {
        if (!(value >= 0) || !Double.isFinite(value)) {
            throw new IllegalArgumentException(name + " must be finite and >= 0, got " + value);
        }
    }

    /**
     * {@code 2 * numParams}: {@code z}, then {@code n}.
     *
     * @throws IllegalArgumentException if that is more floats than a Java array holds
     */
    @Override
    public int stateSize(int numParams) {
        if (numParams > MAX_PARAMS) {
            throw new IllegalArgumentException("FTRL keeps 2 floats per parameter: " + numParams
                    + " parameters need a state longer than a Java array (at most " + MAX_PARAMS + " parameters)");
        }
        return 2 * numParams;
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
        int numParams = spec.numParams();
        Checks.checkStep(params, state, stateSize(numParams), spec, indices, values, outputGradient);
        double modelL2 = spec.l2();
        int features = spec.features();
        int row = spec.rowLength();
        for (int k = 0, outputs = spec.outputs(); k < outputs; k++) {
            int offset = k * row;
            double g = outputGradient[k];
            if (indices == null) {
                for (int j = 0; j < features; j++) {
                    int p = offset + j;
                    update(params, state, numParams, p, g * values[j] + modelL2 * params[p]);
                }
            } else {
                for (int i = 0; i < indices.length; i++) {
                    int p = offset + indices[i];
                    update(params, state, numParams, p, g * values[i] + modelL2 * params[p]);
                }
            }
            update(params, state, numParams, offset + features, g);
        }
    }

    @Override
    public void applyGradient(float[] params, float[] state, long step, float[] gradient) {
        Checks.checkGradientStep(params, state, stateSize(params.length), gradient);
        for (int p = 0; p < params.length; p++) {
            update(params, state, params.length, p, gradient[p]);
        }
    }

    /**
     * FTRL's step size for a coordinate whose squared gradients sum to 1, {@code 1 / ((beta + 1) /
     * alpha + l2)}, whatever the step: the scale FedProx's pull and SCAFFOLD's correction move
     * with. Always below {@code alpha}, so a bound on {@code alpha * mu} bounds the pull.
     */
    @Override
    public double learningRate(long step) {
        Checks.checkStepIndex(step);
        return 1 / ((beta + 1) / alpha + l2);
    }

    /**
     * One FTRL step of coordinate {@code p} with gradient {@code grad}: {@code z} at {@code
     * state[p]}, {@code n} at {@code state[numParams + p]}.
     */
    private void update(float[] params, float[] state, int numParams, int p, double grad) {
        if (grad == 0) {
            // FTRL moves nothing on a zero gradient (sigma = 0); skipping also keeps a weight set
            // from outside exactly as set, where re-deriving z would round it through a float z
            return;
        }
        float w = params[p];
        double z = state[p];
        double n = state[numParams + p];
        double sqrtN = Math.sqrt(n);
        if (weight(z, sqrtN) != w) {
            z = adopt(w, z, sqrtN);
        }
        double sigma = (Math.sqrt(n + grad * grad) - sqrtN) / alpha;
        float newZ = (float) (z + grad - sigma * w);
        float newN = (float) (n + grad * grad);
        state[p] = newZ;
        state[numParams + p] = newN;
        // from the stored floats, so that the next step finds the weight its state gives
        params[p] = weight(newZ, Math.sqrt(newN));
    }

    /** The closed form: the weight that {@code z} and {@code n = sqrtN^2} give, as stored. */
    private float weight(double z, double sqrtN) {
        if (Math.abs(z) <= l1) {
            return 0f;
        }
        return (float) (-(z - Math.signum(z) * l1) / ((beta + sqrtN) / alpha + l2));
    }

    /** The {@code z} whose closed form is {@code w} (n kept); for {@code w = 0} the nearest to {@code z}. */
    private double adopt(float w, double z, double sqrtN) {
        if (w == 0) {
            return Math.max(-l1, Math.min(l1, z));
        }
        return -w * ((beta + sqrtN) / alpha + l2) - Math.signum(w) * l1;
    }
}
