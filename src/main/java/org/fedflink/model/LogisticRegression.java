package org.fedflink.model;

/**
 * Binary logistic regression: one score {@code z = w . x + b}, {@code p = sigmoid(z)} is the
 * probability of class 1, the loss is the log loss {@code -y log p - (1 - y) log(1 - p)} in nats
 * for labels {@code y} in {0, 1}, {@code dLoss/dz = p - y}, and the prediction is the class index
 * {@code z >= 0 ? 1 : 0}.
 *
 * <p>The loss is evaluated as {@code softplus(z) - y z}, with softplus written so that it neither
 * overflows nor takes {@code log(0)}: it stays finite and accurate for any finite score, where the
 * textbook form returns infinity once {@code p} rounds to 0 or 1.
 *
 * <p>Stateless and thread-safe. Labels other than 0 and 1 are rejected; sparse indices must lie in
 * {@code [0, features)}, which is not checked here (see {@link Model}).
 */
public final class LogisticRegression implements LinearModel {
    private final ModelSpec spec;

    /** @throws IllegalArgumentException if {@code spec} is not a {@link ModelType#LOGISTIC} spec */
    public LogisticRegression(ModelSpec spec) {
        this.spec = Checks.requireType(spec, ModelType.LOGISTIC);
    }

    @Override
    public ModelSpec spec() {
        return spec;
    }

    @Override
    public double lossGradientAndPrediction(
            float[] params, int[] indices, float[] values, double label, double[] outputGradient, double[] prediction) {
        checkLabel(label);
        double z = score(params, indices, values);
        outputGradient[0] = sigmoid(z) - label;
        if (prediction != null) {
            prediction[0] = z >= 0 ? 1.0 : 0.0;
        }
        return softplus(z) - label * z;
    }

    @Override
    public double predict(float[] params, int[] indices, float[] values) {
        return score(params, indices, values) >= 0 ? 1.0 : 0.0;
    }

    /** Writes {@code P(y = 1) = sigmoid(z)} into {@code out[0]}. */
    @Override
    public void probabilities(float[] params, int[] indices, float[] values, double[] out) {
        Checks.checkOut(spec, out);
        out[0] = sigmoid(score(params, indices, values));
    }

    @Override
    public double loss(float[] params, int[] indices, float[] values, double label) {
        checkLabel(label);
        double z = score(params, indices, values);
        return softplus(z) - label * z;
    }

    private double score(float[] params, int[] indices, float[] values) {
        Checks.checkExample(spec, params, indices, values);
        return Rows.score(params, 0, spec.features(), indices, values);
    }

    private static void checkLabel(double label) {
        if (label != 0.0 && label != 1.0) {
            throw new IllegalArgumentException("logistic label must be 0 or 1, got " + label);
        }
    }

    /** {@code log(1 + e^z)} without overflow for large {@code z} or cancellation for small. */
    static double softplus(double z) {
        return Math.max(z, 0.0) + Math.log1p(Math.exp(-Math.abs(z)));
    }

    /** {@code 1 / (1 + e^-z)}, exponentiating only non-positive numbers so it never overflows. */
    static double sigmoid(double z) {
        if (z >= 0) {
            return 1.0 / (1.0 + Math.exp(-z));
        }
        double e = Math.exp(z);
        return e / (1.0 + e);
    }

    @Override
    public String toString() {
        return "LogisticRegression[" + spec + "]";
    }
}
