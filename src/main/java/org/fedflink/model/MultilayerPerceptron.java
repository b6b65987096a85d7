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
 * <p><b>Two passes.</b> {@link #predict}, {@link #loss}, {@link #probabilities} and
 * {@link #lossAndGradient} run the <em>exact</em> pass: sums in double from the float parameters
 * (every product of two floats is exact in double, and each sum runs in input order, so the
 * result is that of the plain loops). {@link #lossAndSgdStep}, the training hot path, runs a
 * <em>float</em> pass: activations, errors and updates in float, which is about twice as fast,
 * mostly because float-double conversions in a loop serialise on the x86 register they write.
 *
 * <p><b>Speed.</b> The first layer ({@code features x hidden[0]}) is nearly all of the work:
 * <ul>
 *   <li>Zero inputs are skipped: a dense example is first gathered into its nonzero
 *       {@code (index, value)} pairs (Fashion-MNIST images are about half zeros), and a sparse one
 *       is used as given. A zero input therefore contributes nothing, even against a non-finite
 *       weight, exactly as an absent sparse feature does.
 *   <li>The forward pass scores {@link #BLOCK} rows at once, so each gathered input is loaded
 *       once for several independent sums; one running sum per row would leave the loop waiting
 *       on the latency of every addition.
 *   <li>{@link #lossAndSgdStep} applies plain SGD in place, layer by layer, instead of writing a
 *       gradient of {@link ModelSpec#numParams()} floats and reading it back: a hidden unit whose
 *       error is 0 (a ReLU that did not fire) leaves its first-layer row untouched (unless L2
 *       decays it), and a live row of a dense example is one vectorized {@code w -= c * x} loop.
 * </ul>
 *
 * <p><b>Not thread-safe.</b> Every call reuses per-instance scratch buffers for the input gather,
 * the activations and back-propagated errors, so that training and scoring allocate nothing per
 * example; use one instance per thread (one per learner or operator instance; {@link Model#of}
 * returns a new instance per call).
 *
 * <p>Initialisation matters, unlike for the convex linear models: all-zero parameters leave
 * every hidden unit identical (and, with ReLU, dead). {@link #initialParams(long)} draws the
 * weights from a seed.
 */
public final class MultilayerPerceptron implements GradientModel {
    /**
     * Rows of the first layer scored together. More rows would save loads of the input, but each
     * row's weight load carries its own bounds check, which is what the loop is limited by.
     */
    private static final int BLOCK = 4;
    /**
     * Whether {@link Math#fma} compiles to one instruction (FMA3 on x86-64 since 2013, every
     * AArch64). Without it {@code Math.fma} falls back to BigDecimal arithmetic, hundreds of times
     * slower, so the loops then multiply and add separately. (In the exact pass both give the
     * same bits, the products being exact.)
     */
    private static final boolean FMA = fmaIsIntrinsic();

    private final ModelSpec spec;
    /** Number of weight layers {@code L}: hidden layers + 1. */
    private final int layers;
    /** Unit counts {@code [features, hidden..., classes]}; layer {@code l} maps sizes[l] to sizes[l + 1]. */
    private final int[] sizes;
    /** Start of each layer's parameters; {@code offsets[layers] == numParams}. */
    private final int[] offsets;
    private final int numParams;
    private final int classes;
    private final double l2;

    // Exact pass.
    /**
     * {@code activations[l]} holds the output of layer {@code l - 1}; the last holds the logits.
     * Index 0 is unused (the input is the example itself).
     */
    private final double[][] activations;
    /** Errors {@code dLoss/d(pre-activation)} of the layer being back-propagated, and of the one below. */
    private final double[] delta;
    private final double[] deltaBelow;
    /** The values of the latest example's nonzero inputs, widened to double once per example. */
    private double[] inputDoubles;

    // Float pass: the same buffers in float.
    private final float[][] floatActivations;
    private final float[] floatDelta;
    private final float[] floatDeltaBelow;
    /** A first-layer row while a dense SGD step updates it (see {@link #stepInput}). */
    private final float[] rowBuffer;

    // Input of the latest pass.
    /** The nonzero inputs of the latest dense example, in index order. */
    private final int[] gatheredIndices;
    private final float[] gatheredValues;
    /** The inputs of the latest pass: the gathered arrays or the sparse example's own. */
    private int[] inputIndices;
    private float[] inputValues;
    private int inputCount;
    /** Argmax of the latest pass's logits, or -1 before the first pass. */
    private int lastPrediction = -1;

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
        this.l2 = spec.l2();
        this.activations = new double[layers + 1][];
        this.floatActivations = new float[layers + 1][];
        int widest = 0;
        for (int l = 1; l <= layers; l++) {
            activations[l] = new double[sizes[l]];
            floatActivations[l] = new float[sizes[l]];
            widest = Math.max(widest, sizes[l]);
        }
        this.delta = new double[widest];
        this.deltaBelow = new double[widest];
        this.floatDelta = new float[widest];
        this.floatDeltaBelow = new float[widest];
        this.gatheredIndices = new int[sizes[0]];
        this.gatheredValues = new float[sizes[0]];
        this.inputDoubles = new double[sizes[0]];
        this.rowBuffer = new float[sizes[0]];
    }

    @Override
    public ModelSpec spec() {
        return spec;
    }

    @Override
    public double predict(float[] params, int[] indices, float[] values) {
        Checks.checkExample(spec, numParams, params, indices, values);
        forward(params, indices, values);
        return lastPrediction;
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

    /**
     * {@inheritDoc}
     *
     * <p>Runs the exact pass; the class predicted is {@link #lastPrediction()} afterwards.
     */
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
        for (int l = layers - 1; l > 0; l--) {
            backwardHidden(params, gradient, l, d, below);
            double[] swap = d;
            d = below;
            below = swap;
        }
        backwardInput(params, gradient, indices, values, d);
        return loss;
    }

    /**
     * {@inheritDoc}
     *
     * <p>Runs the float pass (see the class comment), so the loss and prediction can differ from
     * {@link #loss} and {@link #predict} in the last float digits, and on a near tie in the class.
     * Back-propagates from the output layer down, reading each layer's weights for the errors
     * below before updating them, so this is the step {@link Sgd#applyGradient} takes with
     * {@link #lossAndGradient}'s gradient, up to float rounding. The class predicted before the
     * step is {@link #lastPrediction()} afterwards.
     */
    @Override
    public double lossAndSgdStep(float[] params, int[] indices, float[] values, double label, double learningRate) {
        int y = classOf(label);
        Checks.checkExample(spec, numParams, params, indices, values);
        if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
            throw new IllegalArgumentException("learningRate must be finite and > 0, got " + learningRate);
        }
        float[] z = forwardFloat(params, indices, values);
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < classes; k++) {
            max = Math.max(max, z[k]);
        }
        double sum = 0;
        for (int k = 0; k < classes; k++) {
            sum += Math.exp(z[k] - max);
        }
        double loss = Math.log(sum) - (z[y] - max);

        float[] d = floatDelta;
        float[] below = floatDeltaBelow;
        for (int k = 0; k < classes; k++) {
            d[k] = (float) (Math.exp(z[k] - max) / sum - (k == y ? 1.0 : 0.0));
        }
        float lr = (float) learningRate;
        float decay = (float) (learningRate * l2);
        for (int l = layers - 1; l > 0; l--) {
            stepHidden(params, l, d, below, lr, decay);
            float[] swap = d;
            d = below;
            below = swap;
        }
        stepInput(params, indices, values, d, lr, decay);
        return loss;
    }

    /**
     * The class index ({@link #predict}) of the latest pass on this instance, which every method
     * that takes an example runs; after {@link #lossAndGradient} or {@link #lossAndSgdStep} it is
     * the prediction made before the step.
     *
     * @throws IllegalStateException if no example has been seen yet
     */
    @Override
    public double lastPrediction() {
        if (lastPrediction < 0) {
            throw new IllegalStateException("no forward pass yet: lastPrediction needs an earlier call with an example");
        }
        return lastPrediction;
    }

    // ---------------------------------------------------------------- exact pass

    /**
     * Runs the layers on one example in double; returns the logits (a scratch buffer, valid until
     * the next call) and records their argmax as {@link #lastPrediction}.
     */
    private double[] forward(float[] params, int[] indices, float[] values) {
        gatherInput(indices, values);
        int n = inputCount;
        double[] x = inputDoubles;
        if (x.length < n) {
            x = inputDoubles = new double[n]; // a sparse example with more entries than features
        }
        float[] v = inputValues;
        for (int i = 0; i < n; i++) {
            x[i] = v[i];
        }
        firstLayerDouble(params, activations[1], layers > 1);
        for (int l = 1; l < layers; l++) {
            double[] in = activations[l];
            double[] a = activations[l + 1];
            int width = sizes[l];
            boolean relu = l < layers - 1;
            for (int k = 0, r = offsets[l]; k < sizes[l + 1]; k++, r += width + 1) {
                double s = params[r + width];
                for (int j = 0; j < width; j++) {
                    s += params[r + j] * in[j];
                }
                a[k] = relu ? relu(s) : s;
            }
        }
        double[] z = activations[layers];
        int best = 0;
        for (int k = 1; k < classes; k++) {
            // strict '>' keeps the lowest index on ties
            if (z[k] > z[best]) {
                best = k;
            }
        }
        lastPrediction = best;
        return z;
    }

    /** Layer 0 on the gathered input in double, {@link #BLOCK} rows at a time. */
    private void firstLayerDouble(float[] params, double[] a, boolean relu) {
        int in = sizes[0];
        int out = sizes[1];
        int row = in + 1;
        int[] idx = inputIndices;
        double[] val = inputDoubles;
        int n = inputCount;
        int k = 0;
        for (int r0 = offsets[0]; k + BLOCK <= out; k += BLOCK, r0 += BLOCK * row) {
            int r1 = r0 + row;
            int r2 = r1 + row;
            int r3 = r2 + row;
            double s0 = params[r0 + in];
            double s1 = params[r1 + in];
            double s2 = params[r2 + in];
            double s3 = params[r3 + in];
            if (FMA) {
                for (int i = 0; i < n; i++) {
                    int j = idx[i];
                    double x = val[i];
                    s0 = Math.fma(params[r0 + j], x, s0);
                    s1 = Math.fma(params[r1 + j], x, s1);
                    s2 = Math.fma(params[r2 + j], x, s2);
                    s3 = Math.fma(params[r3 + j], x, s3);
                }
            } else {
                for (int i = 0; i < n; i++) {
                    int j = idx[i];
                    double x = val[i];
                    s0 += params[r0 + j] * x;
                    s1 += params[r1 + j] * x;
                    s2 += params[r2 + j] * x;
                    s3 += params[r3 + j] * x;
                }
            }
            a[k] = relu ? relu(s0) : s0;
            a[k + 1] = relu ? relu(s1) : s1;
            a[k + 2] = relu ? relu(s2) : s2;
            a[k + 3] = relu ? relu(s3) : s3;
        }
        for (int r = offsets[0] + k * row; k < out; k++, r += row) {
            double s = params[r + in];
            for (int i = 0; i < n; i++) {
                s += params[r + idx[i]] * val[i];
            }
            a[k] = relu ? relu(s) : s;
        }
    }

    /**
     * Gradient of layer {@code l >= 1}, whose input is the hidden activation {@code a = activations[l]},
     * from its errors {@code d}; writes the errors of the layer below into {@code below}:
     * {@code below_j = relu'(a_j) * sum_k W_kj d_k}. One pass over the rows does both.
     */
    private void backwardHidden(float[] params, float[] gradient, int l, double[] d, double[] below) {
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

    /** Gradient of the first layer, whose input is the example itself; every entry is written. */
    private void backwardInput(float[] params, float[] gradient, int[] indices, float[] values, double[] d) {
        int in = sizes[0];
        int out = sizes[1];
        int row = in + 1;
        for (int k = 0, r = offsets[0]; k < out; k++, r += row) {
            double dk = d[k];
            if (indices == null && dk != 0) {
                for (int j = 0; j < in; j++) {
                    gradient[r + j] = (float) (dk * values[j] + l2 * params[r + j]);
                }
            } else {
                // absent features, and all of a unit that did not fire, get only the L2 term
                if (l2 == 0) {
                    Arrays.fill(gradient, r, r + in, 0f);
                } else {
                    for (int j = 0; j < in; j++) {
                        gradient[r + j] = (float) (l2 * params[r + j]);
                    }
                }
                if (indices != null) {
                    for (int i = 0; i < indices.length; i++) {
                        int p = r + indices[i];
                        gradient[p] = (float) (dk * values[i] + l2 * params[p]);
                    }
                }
            }
            gradient[r + in] = (float) dk;
        }
    }

    // ---------------------------------------------------------------- float pass

    /** The layers on one example in float; returns the logits and records their argmax. */
    private float[] forwardFloat(float[] params, int[] indices, float[] values) {
        gatherInput(indices, values);
        firstLayerFloat(params, floatActivations[1], layers > 1);
        for (int l = 1; l < layers; l++) {
            hiddenLayerFloat(params, l, floatActivations[l], floatActivations[l + 1], l < layers - 1);
        }
        float[] z = floatActivations[layers];
        int best = 0;
        for (int k = 1; k < classes; k++) {
            if (z[k] > z[best]) {
                best = k;
            }
        }
        lastPrediction = best;
        return z;
    }

    /** Layer 0 on the gathered input in float, {@link #BLOCK} rows at a time. */
    private void firstLayerFloat(float[] params, float[] a, boolean relu) {
        int in = sizes[0];
        int out = sizes[1];
        int row = in + 1;
        int[] idx = inputIndices;
        float[] val = inputValues;
        int n = inputCount;
        int k = 0;
        for (int r0 = offsets[0]; k + BLOCK <= out; k += BLOCK, r0 += BLOCK * row) {
            int r1 = r0 + row;
            int r2 = r1 + row;
            int r3 = r2 + row;
            float s0 = params[r0 + in];
            float s1 = params[r1 + in];
            float s2 = params[r2 + in];
            float s3 = params[r3 + in];
            if (FMA) {
                for (int i = 0; i < n; i++) {
                    int j = idx[i];
                    float x = val[i];
                    s0 = Math.fma(params[r0 + j], x, s0);
                    s1 = Math.fma(params[r1 + j], x, s1);
                    s2 = Math.fma(params[r2 + j], x, s2);
                    s3 = Math.fma(params[r3 + j], x, s3);
                }
            } else {
                for (int i = 0; i < n; i++) {
                    int j = idx[i];
                    float x = val[i];
                    s0 += params[r0 + j] * x;
                    s1 += params[r1 + j] * x;
                    s2 += params[r2 + j] * x;
                    s3 += params[r3 + j] * x;
                }
            }
            a[k] = relu ? relu(s0) : s0;
            a[k + 1] = relu ? relu(s1) : s1;
            a[k + 2] = relu ? relu(s2) : s2;
            a[k + 3] = relu ? relu(s3) : s3;
        }
        for (int r = offsets[0] + k * row; k < out; k++, r += row) {
            float s = params[r + in];
            for (int i = 0; i < n; i++) {
                s += params[r + idx[i]] * val[i];
            }
            a[k] = relu ? relu(s) : s;
        }
    }

    /** Layer {@code l >= 1} in float: a small dense matrix-vector product. */
    private void hiddenLayerFloat(float[] params, int l, float[] x, float[] a, boolean relu) {
        int in = sizes[l];
        int out = sizes[l + 1];
        for (int k = 0, r = offsets[l]; k < out; k++, r += in + 1) {
            // two running sums halve the wait on the latency of each addition
            float s = params[r + in];
            float t = 0;
            int j = 0;
            for (; j + 1 < in; j += 2) {
                s += params[r + j] * x[j];
                t += params[r + j + 1] * x[j + 1];
            }
            if (j < in) {
                s += params[r + j] * x[j];
            }
            s += t;
            a[k] = relu ? relu(s) : s;
        }
    }

    /**
     * The SGD step of layer {@code l >= 1}: writes the errors of the layer below into
     * {@code below} from the weights as they were, then moves each weight by
     * {@code -(lr * d_k * a_j + decay * w)} and each bias by {@code -lr * d_k}.
     */
    private void stepHidden(float[] params, int l, float[] d, float[] below, float lr, float decay) {
        int in = sizes[l];
        int out = sizes[l + 1];
        int row = in + 1;
        float[] a = floatActivations[l];
        Arrays.fill(below, 0, in, 0f);
        for (int k = 0, r = offsets[l]; k < out; k++, r += row) {
            float dk = d[k];
            if (dk == 0 && decay == 0) {
                continue; // neither the errors below nor the weights change
            }
            float c = lr * dk;
            for (int j = 0; j < in; j++) {
                float w = params[r + j];
                below[j] += w * dk;
                params[r + j] = w - (c * a[j] + decay * w);
            }
            params[r + in] -= c;
        }
        for (int j = 0; j < in; j++) {
            if (!(a[j] > 0)) {
                below[j] = 0;
            }
        }
    }

    /**
     * The SGD step of the first layer, from its errors {@code d} (no errors are needed below it):
     * {@code w -= c * x + decay * w} with {@code c = lr * d_k}. For a dense example the row is
     * copied into {@link #rowBuffer}, updated there and copied back: the JIT (C2 up to at least
     * JDK 17) vectorizes the update only when the row and the input start at the same offset, and
     * two array copies cost far less than the scalar loop.
     */
    private void stepInput(float[] params, int[] indices, float[] values, float[] d, float lr, float decay) {
        int in = sizes[0];
        int out = sizes[1];
        int row = in + 1;
        float[] buffer = rowBuffer;
        for (int k = 0, r = offsets[0]; k < out; k++, r += row) {
            float dk = d[k];
            if (dk == 0 && decay == 0) {
                continue; // a unit that did not fire: no gradient reaches its row
            }
            float c = lr * dk;
            if (indices == null) {
                System.arraycopy(params, r, buffer, 0, in);
                if (decay == 0) {
                    for (int j = 0; j < in; j++) {
                        buffer[j] -= c * values[j];
                    }
                } else {
                    for (int j = 0; j < in; j++) {
                        float w = buffer[j];
                        buffer[j] = w - (c * values[j] + decay * w);
                    }
                }
                System.arraycopy(buffer, 0, params, r, in);
            } else {
                // the L2 term reaches every weight, present or not (see GradientModel); the loss
                // term only the present ones, scaled by the weight before the decay
                if (decay != 0) {
                    float keep = 1f - decay;
                    for (int j = 0; j < in; j++) {
                        params[r + j] *= keep;
                    }
                }
                if (dk != 0) {
                    for (int i = 0; i < indices.length; i++) {
                        params[r + indices[i]] -= c * values[i];
                    }
                }
            }
            params[r + in] -= c;
        }
    }

    // ---------------------------------------------------------------- shared

    /** Points the input fields at the example's nonzero entries. */
    private void gatherInput(int[] indices, float[] values) {
        if (indices != null) {
            inputIndices = indices;
            inputValues = values;
            inputCount = indices.length;
            return;
        }
        int[] gi = gatheredIndices;
        float[] gv = gatheredValues;
        int n = 0;
        for (int j = 0; j < values.length; j++) {
            float v = values[j];
            // written unconditionally and kept only when nonzero: no branch to mispredict
            gi[n] = j;
            gv[n] = v;
            n += v != 0 ? 1 : 0;
        }
        inputIndices = gi;
        inputValues = gv;
        inputCount = n;
    }

    /** {@code max(z, 0)}, letting NaN through so a diverged model shows as NaN rather than silently as 0. */
    private static double relu(double z) {
        return Math.max(z, 0.0);
    }

    private static float relu(float z) {
        return Math.max(z, 0f);
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

    private static boolean fmaIsIntrinsic() {
        try {
            return Boolean.parseBoolean(java.lang.management.ManagementFactory
                    .getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class)
                    .getVMOption("UseFMA")
                    .getValue());
        } catch (RuntimeException | LinkageError e) {
            return false; // not HotSpot, or no such option: multiply and add separately, to be safe
        }
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
