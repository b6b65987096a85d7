package org.fedflink.model;

/**
 * Multiclass softmax (multinomial logistic) regression: one score {@code z_k = w_k . x + b_k} per
 * class, {@code p_k = exp(z_k) / sum_c exp(z_c)}, loss {@code -log p_y} in nats for a label
 * {@code y} in {@code [0, classes)}, {@code dLoss/dz_k = p_k - [k == y]}, and the prediction is
 * {@code argmax_k z_k} (the lowest index on ties) as a double.
 *
 * <p>The log-sum-exp is computed after subtracting the largest score, so scores in the thousands
 * give a finite loss and gradient instead of {@code inf/inf}.
 *
 * <p>Stateless and thread-safe without allocating: {@link #lossAndOutputGradient} uses the
 * caller's {@code outputGradient} array to hold the scores before overwriting them with the
 * gradient, and {@link #loss} uses a one-pass (streaming) log-sum-exp. Labels that are not a class
 * index are rejected; sparse indices must lie in {@code [0, features)}, which is not checked here
 * (see {@link Model}).
 */
public final class SoftmaxRegression implements LinearModel {
    private final ModelSpec spec;

    /** @throws IllegalArgumentException if {@code spec} is not a {@link ModelType#SOFTMAX} spec */
    public SoftmaxRegression(ModelSpec spec) {
        this.spec = Checks.requireType(spec, ModelType.SOFTMAX);
    }

    @Override
    public ModelSpec spec() {
        return spec;
    }

    /** {@inheritDoc} The prediction is the argmax of the scores the gradient is computed from. */
    @Override
    public double lossGradientAndPrediction(
            float[] params, int[] indices, float[] values, double label, double[] outputGradient, double[] prediction) {
        int y = classOf(label);
        Checks.checkExample(spec, params, indices, values);
        int classes = spec.classes();
        if (outputGradient.length < classes) {
            throw new IllegalArgumentException("outputGradient has length " + outputGradient.length
                    + " but the model has " + classes + " outputs");
        }
        int features = spec.features();
        int row = spec.rowLength();
        double max = Double.NEGATIVE_INFINITY;
        int best = 0;
        double labelScore = 0;
        for (int k = 0; k < classes; k++) {
            double z = Rows.score(params, k * row, features, indices, values);
            outputGradient[k] = z;
            if (k == y) {
                labelScore = z;
            }
            // strict '>' keeps the lowest index on ties, as predict does
            if (z > max) {
                max = z;
                best = k;
            }
        }
        if (prediction != null) {
            prediction[0] = best;
        }
        double sum = 0;
        for (int k = 0; k < classes; k++) {
            double e = Math.exp(outputGradient[k] - max);
            outputGradient[k] = e;
            sum += e;
        }
        for (int k = 0; k < classes; k++) {
            outputGradient[k] /= sum;
        }
        outputGradient[y] -= 1.0;
        // -log p_y from the scores, not from log(p_y): p_y underflows to 0 once the label's score
        // trails the maximum by ~745, while the loss itself is still a modest finite number.
        return Math.log(sum) - (labelScore - max);
    }

    @Override
    public double predict(float[] params, int[] indices, float[] values) {
        Checks.checkExample(spec, params, indices, values);
        int features = spec.features();
        int row = spec.rowLength();
        int best = 0;
        double bestScore = Rows.score(params, 0, features, indices, values);
        for (int k = 1; k < spec.classes(); k++) {
            double z = Rows.score(params, k * row, features, indices, values);
            // strict '>' keeps the lowest index on ties
            if (z > bestScore) {
                bestScore = z;
                best = k;
            }
        }
        return best;
    }

    /** Writes the class probabilities {@code softmax(z)} into {@code out[0 .. classes)}. */
    @Override
    public void probabilities(float[] params, int[] indices, float[] values, double[] out) {
        Checks.checkExample(spec, params, indices, values);
        Checks.checkOut(spec, out);
        int features = spec.features();
        int row = spec.rowLength();
        int classes = spec.classes();
        for (int k = 0; k < classes; k++) {
            out[k] = Rows.score(params, k * row, features, indices, values);
        }
        Rows.softmaxInPlace(out, classes);
    }

    @Override
    public double loss(float[] params, int[] indices, float[] values, double label) {
        int y = classOf(label);
        Checks.checkExample(spec, params, indices, values);
        int features = spec.features();
        int row = spec.rowLength();
        // Streaming log-sum-exp: sum holds sum_k exp(z_k - max) for the scores seen so far and is
        // rescaled whenever a larger score arrives, so nothing needs to be stored per class.
        double max = Double.NEGATIVE_INFINITY;
        double sum = 0;
        double labelScore = 0;
        for (int k = 0; k < spec.classes(); k++) {
            double z = Rows.score(params, k * row, features, indices, values);
            if (k == y) {
                labelScore = z;
            }
            if (z > max) {
                sum = sum * Math.exp(max - z) + 1.0;
                max = z;
            } else {
                sum += Math.exp(z - max);
            }
        }
        return max + Math.log(sum) - labelScore;
    }

    private int classOf(double label) {
        int y = (int) label;
        if (y != label || y < 0 || y >= spec.classes()) {
            throw new IllegalArgumentException("softmax label must be a class index in [0, "
                    + spec.classes() + "), got " + label);
        }
        return y;
    }

    @Override
    public String toString() {
        return "SoftmaxRegression[" + spec + "]";
    }
}
