package org.fedflink.model;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A multilayer perceptron classifier: one or two fully connected ReLU hidden layers
 * ({@link ModelSpec#hidden()}) and a softmax output over {@code classes}. With hidden activations
 * {@code a_0 = x}, {@code a_l = relu(W_l a_(l-1) + b_l)} and logits {@code z = W_L a_(L-1) + b_L},
 * {@code p_k = exp(z_k) / sum_c exp(z_c)}, the loss is {@code -log p_y} in nats for a label
 * {@code y} in {@code [0, classes)}, and the prediction is {@code argmax_k z_k} (the lowest index
 * on ties) as a double. Parameters are laid out layer by layer, each layer in rows of
 * {@code [weights..., bias]} (see {@link ModelSpec}).
 *
 * <p>The log-sum-exp subtracts the largest logit, so large logits give a finite loss and
 * gradient. {@code relu'(0)} is taken as 0.
 *
 * <p>Input may be dense or sparse; sparse input makes the first layer's forward pass O(nnz per
 * hidden unit), but the gradient is still dense, O({@link ModelSpec#numParams()}) (see
 * {@link GradientModel} for L2). Forward and backward passes are O(numParams) per example, plain
 * loops over the float parameters with double accumulation.
 *
 * <p><b>Not thread-safe.</b> Every call reuses per-instance scratch buffers for the activations
 * and back-propagated errors, so that training allocates nothing per example; use one instance per
 * thread (one per learner or operator instance; {@link Model#of} returns a new instance per call).
 *
 * <p>Initialisation matters, unlike for the convex linear models: all-zero parameters leave
 * every hidden unit identical (and, with ReLU, dead). {@link #initialParams(long)} draws the
 * weights from a seed.
 */
public final class MultilayerPerceptron implements GradientModel {
    private final ModelSpec spec;
    /** Number of weight layers {@code L}: hidden layers + 1. */
    private final int layers;
    /** Unit counts {@code [features, hidden..., classes]}; layer {@code l} maps sizes[l] to sizes[l + 1]. */
    private final int[] sizes;
    /** Start of each layer's parameters; {@code offsets[layers] == numParams}. */
    private final int[] offsets;
    private final int numParams;
    private final int classes;
    /**
     * {@code activations[l]} holds the output of layer {@code l - 1}; the last holds the logits.
     * Index 0 is unused (the input is the example itself).
     */
    private final double[][] activations;
    /** Errors {@code dLoss/d(pre-activation)} of the layer being back-propagated, and of the one below. */
    private final double[] delta;
    private final double[] deltaBelow;

    /** @throws IllegalArgumentException if {@code spec} is not a {@link ModelType#MLP} spec */
    public MultilayerPerceptron(ModelSpec spec) {
        this.spec = Checks.requireType(spec, ModelType.MLP);
        this.layers = spec.layers();
        this.sizes = spec.layerSizes().stream().mapToInt(Integer::intValue).toArray();
        this.offsets = new int[layers + 1];
        for (int l = 0; l <= layers; l++) {
            offsets[l] = spec.layerOffset(l);
        }
        this.numParams = offsets[layers];
        this.classes = spec.classes();
        this.activations = new double[layers + 1][];
        int widest = 0;
        for (int l = 1; l <= layers; l++) {
            activations[l] = new double[sizes[l]];
            widest = Math.max(widest, sizes[l]);
        }
        this.delta = new double[widest];
        this.deltaBelow = new double[widest];
    }

    @Override
    public ModelSpec spec() {
        return spec;
    }

    @Override
    public double predict(float[] params, int[] indices, float[] values) {
        Checks.checkExample(spec, numParams, params, indices, values);
        double[] z = forward(params, indices, values);
        int best = 0;
        for (int k = 1; k < classes; k++) {
            // strict '>' keeps the lowest index on ties
            if (z[k] > z[best]) {
                best = k;
            }
        }
        return best;
    }

    @Override
    public double loss(float[] params, int[] indices, float[] values, double label) {
        int y = classOf(label);
        Checks.checkExample(spec, numParams, params, indices, values);
        double[] z = forward(params, indices, values);
        double max = max(z);
        double sum = 0;
        for (int k = 0; k < classes; k++) {
            sum += Math.exp(z[k] - max);
        }
        return Math.log(sum) - (z[y] - max);
    }

    /** Writes the class probabilities {@code softmax(z)} into {@code out[0 .. classes)}. */
    @Override
    public void probabilities(float[] params, int[] indices, float[] values, double[] out) {
        Checks.checkExample(spec, numParams, params, indices, values);
        Checks.checkOut(spec, out);
        double[] z = forward(params, indices, values);
        System.arraycopy(z, 0, out, 0, classes);
        Rows.softmaxInPlace(out, classes);
    }

    @Override
    public double lossAndGradient(float[] params, int[] indices, float[] values, double label, float[] gradient) {
        int y = classOf(label);
        Checks.checkExample(spec, numParams, params, indices, values);
        if (gradient.length != numParams) {
            throw new IllegalArgumentException(
                    "gradient has length " + gradient.length + " but the model has " + numParams + " parameters");
        }
        double[] z = forward(params, indices, values);
        double max = max(z);
        double sum = 0;
        for (int k = 0; k < classes; k++) {
            sum += Math.exp(z[k] - max);
        }
        // -log p_y from the logits, not log(p_y), which underflows once z_y trails far behind.
        double loss = Math.log(sum) - (z[y] - max);

        double[] d = delta;
        double[] below = deltaBelow;
        for (int k = 0; k < classes; k++) {
            d[k] = Math.exp(z[k] - max) / sum;
        }
        d[y] -= 1.0;
        double l2 = spec.l2();
        for (int l = layers - 1; l > 0; l--) {
            backwardHidden(params, gradient, l, d, below, l2);
            double[] swap = d;
            d = below;
            below = swap;
        }
        backwardInput(params, gradient, indices, values, d, l2);
        return loss;
    }

    /**
     * Gradient of layer {@code l >= 1}, whose input is the hidden activation {@code a = activations[l]},
     * from its errors {@code d}; writes the errors of the layer below into {@code below}:
     * {@code below_j = relu'(a_j) * sum_k W_kj d_k}. One pass over the rows does both.
     */
    private void backwardHidden(float[] params, float[] gradient, int l, double[] d, double[] below, double l2) {
        int in = sizes[l];
        int out = sizes[l + 1];
        int row = in + 1;
        double[] a = activations[l];
        Arrays.fill(below, 0, in, 0.0);
        for (int k = 0, r = offsets[l]; k < out; k++, r += row) {
            double dk = d[k];
            for (int j = 0; j < in; j++) {
                double w = params[r + j];
                gradient[r + j] = (float) (dk * a[j] + l2 * w);
                below[j] += w * dk;
            }
            gradient[r + in] = (float) dk;
        }
        for (int j = 0; j < in; j++) {
            // a_j > 0 exactly when the pre-activation was > 0 (relu'(0) = 0)
            if (!(a[j] > 0)) {
                below[j] = 0;
            }
        }
    }

    /** Gradient of the first layer, whose input is the example itself. */
    private void backwardInput(float[] params, float[] gradient, int[] indices, float[] values, double[] d, double l2) {
        int in = sizes[0];
        int out = sizes[1];
        int row = in + 1;
        for (int k = 0, r = offsets[0]; k < out; k++, r += row) {
            double dk = d[k];
            if (indices == null) {
                for (int j = 0; j < in; j++) {
                    gradient[r + j] = (float) (dk * values[j] + l2 * params[r + j]);
                }
            } else {
                // absent features contribute only the L2 term (the gradient is dense)
                if (l2 == 0) {
                    Arrays.fill(gradient, r, r + in, 0f);
                } else {
                    for (int j = 0; j < in; j++) {
                        gradient[r + j] = (float) (l2 * params[r + j]);
                    }
                }
                for (int i = 0; i < indices.length; i++) {
                    int p = r + indices[i];
                    gradient[p] = (float) (dk * values[i] + l2 * params[p]);
                }
            }
            gradient[r + in] = (float) dk;
        }
    }

    /** Runs the layers on one example; returns the logits (a scratch buffer, valid until the next call). */
    private double[] forward(float[] params, int[] indices, float[] values) {
        int in = sizes[0];
        double[] a = activations[1];
        boolean relu = layers > 1;
        for (int k = 0, r = offsets[0]; k < sizes[1]; k++, r += in + 1) {
            double z = Rows.score(params, r, in, indices, values);
            a[k] = relu ? relu(z) : z;
        }
        for (int l = 1; l < layers; l++) {
            double[] x = activations[l];
            a = activations[l + 1];
            in = sizes[l];
            relu = l < layers - 1;
            for (int k = 0, r = offsets[l]; k < sizes[l + 1]; k++, r += in + 1) {
                double z = params[r + in];
                for (int j = 0; j < in; j++) {
                    z += params[r + j] * x[j];
                }
                a[k] = relu ? relu(z) : z;
            }
        }
        return a;
    }

    /** {@code max(z, 0)}, letting NaN through so a diverged model shows as NaN rather than silently as 0. */
    private static double relu(double z) {
        return Math.max(z, 0.0);
    }

    private double max(double[] z) {
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < classes; k++) {
            max = Math.max(max, z[k]);
        }
        return max;
    }

    /**
     * Random initial parameters, deterministic per {@code seed}: hidden (ReLU) layers uniform in
     * {@code +-sqrt(6 / in)} (He/Kaiming, variance {@code 2 / in}), the softmax output layer
     * uniform in {@code +-sqrt(6 / (in + out))} (Glorot/Xavier, variance {@code 2 / (in + out)}),
     * all biases 0. Drawn from a {@link SplittableRandom} in parameter order, so the same seed
     * gives the same parameters on every JVM. Use the job's seed (see {@link Model#initialParams}).
     */
    @Override
    public float[] initialParams(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] params = new float[numParams];
        for (int l = 0; l < layers; l++) {
            int in = sizes[l];
            int out = sizes[l + 1];
            double limit = l < layers - 1 ? Math.sqrt(6.0 / in) : Math.sqrt(6.0 / (in + out));
            for (int k = 0, r = offsets[l]; k < out; k++, r += in + 1) {
                for (int j = 0; j < in; j++) {
                    params[r + j] = (float) ((2 * random.nextDouble() - 1) * limit);
                }
            }
        }
        return params;
    }

    private int classOf(double label) {
        int y = (int) label;
        if (y != label || y < 0 || y >= classes) {
            throw new IllegalArgumentException("mlp label must be a class index in [0, " + classes + "), got " + label);
        }
        return y;
    }

    @Override
    public String toString() {
        return "MultilayerPerceptron[" + spec + "]";
    }
}
