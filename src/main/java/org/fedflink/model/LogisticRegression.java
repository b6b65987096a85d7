package org.fedflink.model;

/** TODO. */
public final class LogisticRegression implements Model {
    private final ModelSpec spec;

    public LogisticRegression(ModelSpec spec) {
        this.spec = spec;
    }

    @Override
    public ModelSpec spec() {
        return spec;
    }

    @Override
    public double lossAndOutputGradient(float[] params, int[] indices, float[] values, double label, double[] outputGradient) {
        throw new UnsupportedOperationException("TODO");
    }

    @Override
    public double predict(float[] params, int[] indices, float[] values) {
        throw new UnsupportedOperationException("TODO");
    }

    @Override
    public double loss(float[] params, int[] indices, float[] values, double label) {
        throw new UnsupportedOperationException("TODO");
    }
}
