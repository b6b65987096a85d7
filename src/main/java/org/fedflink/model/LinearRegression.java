package org.fedflink.model;

/**
 * Linear regression with squared loss: {@code z = w . x + b}, {@code loss = (y - z)^2 / 2},
 * {@code dLoss/dz = z - y}, prediction {@code z}. One output; the spec's {@code classes} is
 * ignored. {@link #probabilities} writes the predicted value {@code z} (regression has no
 * distribution).
 *
 * <p>Stateless and thread-safe. Sparse indices must lie in {@code [0, features)}; that is not
 * checked here (see {@link Model}).
 */
public final class LinearRegression implements LinearModel {
    private final ModelSpec spec;

    /** @throws IllegalArgumentException if {@code spec} is not a {@link ModelType#LINEAR} spec */
    public LinearRegression(ModelSpec spec) {
        this.spec = Checks.requireType(spec, ModelType.LINEAR);
    }

    @Override
    public ModelSpec spec() {
        return spec;
    }

    @Override
    public double lossGradientAndPrediction(
            float[] params, int[] indices, float[] values, double label, double[] outputGradient, double[] prediction) {
        double z = score(params, indices, values);
        double residual = z - label;
        outputGradient[0] = residual;
        if (prediction != null) {
            prediction[0] = z;
        }
        return 0.5 * residual * residual;
    }

    @Override
    public double predict(float[] params, int[] indices, float[] values) {
        return score(params, indices, values);
    }

    /** Writes the predicted value {@code z} into {@code out[0]}. */
    @Override
    public void probabilities(float[] params, int[] indices, float[] values, double[] out) {
        Checks.checkOut(spec, out);
        out[0] = score(params, indices, values);
    }

    @Override
    public double loss(float[] params, int[] indices, float[] values, double label) {
        double residual = score(params, indices, values) - label;
        return 0.5 * residual * residual;
    }

    private double score(float[] params, int[] indices, float[] values) {
        Checks.checkExample(spec, params, indices, values);
        return Rows.score(params, 0, spec.features(), indices, values);
    }

    @Override
    public String toString() {
        return "LinearRegression[" + spec + "]";
    }
}
