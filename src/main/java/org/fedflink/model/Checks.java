package org.fedflink.model;

/**
 * Argument checks shared by the models, optimizers and schedules, so that every class reports a
 * bad argument with the same wording: the parameter, its value and what is allowed.
 */
final class Checks {
    private Checks() {}

    static ModelSpec requireType(ModelSpec spec, ModelType type) {
        if (spec == null) {
            throw new IllegalArgumentException("spec is required");
        }
        if (spec.type() != type) {
            throw new IllegalArgumentException("spec type must be " + type + ", got " + spec.type());
        }
        return spec;
    }

    /**
     * O(1) shape checks per example: a dense vector of the wrong length or a parameter array of
     * another model would otherwise give a silently wrong score rather than an error. Sparse
     * indices are deliberately not range-checked (that is O(nnz) and done upstream).
     */
    static void checkExample(ModelSpec spec, float[] params, int[] indices, float[] values) {
        checkExample(spec, spec.numParams(), params, indices, values);
    }

    /** As above, with the parameter count precomputed (an MLP's is a sum over its layers). */
    static void checkExample(ModelSpec spec, int numParams, float[] params, int[] indices, float[] values) {
        if (params.length != numParams) {
            throw new IllegalArgumentException(
                    "params has length " + params.length + " but the model has " + numParams + " parameters");
        }
        if (indices == null) {
            if (values.length != spec.features()) {
                throw new IllegalArgumentException("dense values have length " + values.length
                        + " but the model has " + spec.features() + " features");
            }
        } else if (indices.length != values.length) {
            throw new IllegalArgumentException("sparse indices have length " + indices.length
                    + " but values have length " + values.length);
        }
    }

    /**
     * Checks the array shapes of one optimizer step. These are O(1) per example and catch the
     * mistakes that would otherwise corrupt parameters silently (a state of the wrong optimizer,
     * a dense vector longer than the model).
     */
    static void checkStep(
            float[] params,
            float[] state,
            int expectedStateSize,
            ModelSpec spec,
            int[] indices,
            float[] values,
            double[] outputGradient) {
        if (spec.type() == ModelType.MLP) {
            // the row-wise step would treat the first layer as if it were the whole model
            throw new IllegalArgumentException("the row-wise step needs a linear model, got an MLP spec "
                    + "(use applyGradient with the model's full gradient)");
        }
        checkExample(spec, params, indices, values);
        if (state.length != expectedStateSize) {
            throw new IllegalArgumentException(
                    "optimizer state has length " + state.length + " but " + expectedStateSize + " is required");
        }
        if (outputGradient.length < spec.outputs()) {
            throw new IllegalArgumentException("outputGradient has length " + outputGradient.length
                    + " but the model has " + spec.outputs() + " outputs");
        }
    }

    /** The output buffer of {@link Model#probabilities} must hold one entry per output. */
    static void checkOut(ModelSpec spec, double[] out) {
        if (out.length < spec.outputs()) {
            throw new IllegalArgumentException(
                    "out has length " + out.length + " but the model has " + spec.outputs() + " outputs");
        }
    }

    /**
     * Shapes of one {@link LocalOptimizer#applyGradient}: the gradient must match the parameters
     * and the state must be the optimizer's for that many parameters.
     */
    static void checkGradientStep(float[] params, float[] state, int expectedStateSize, float[] gradient) {
        if (gradient.length != params.length) {
            throw new IllegalArgumentException(
                    "gradient has length " + gradient.length + " but params has length " + params.length);
        }
        if (state.length != expectedStateSize) {
            throw new IllegalArgumentException(
                    "optimizer state has length " + state.length + " but " + expectedStateSize + " is required");
        }
    }

    static LearningRate requireRate(LearningRate rate) {
        if (rate == null) {
            throw new IllegalArgumentException("rate (the learning-rate schedule) is required, got null");
        }
        return rate;
    }

    /** Validates a learning-rate base value: finite and positive. */
    static double checkRate(double rate) {
        if (!(rate > 0) || !Double.isFinite(rate)) {
            throw new IllegalArgumentException("rate must be finite and > 0, got " + rate);
        }
        return rate;
    }

    /** Validates a learning-rate decay: finite and non-negative. */
    static double checkDecay(double decay) {
        if (!(decay >= 0) || !Double.isFinite(decay)) {
            throw new IllegalArgumentException("decay must be finite and >= 0, got " + decay);
        }
        return decay;
    }

    /** Validates a schedule's step argument. */
    static void checkStepIndex(long step) {
        if (step < 0) {
            throw new IllegalArgumentException("step must be >= 0, got " + step);
        }
    }
}
