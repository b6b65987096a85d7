package org.fedflink.data;

import java.io.Serializable;
import java.util.List;

/**
 * The concept {@link SyntheticGenerator} plants in its data: class means {@code mu_c} for the
 * classifiers, or a weight vector {@code w*} and bias {@code b*} for LINEAR, each coordinate
 * {@code N(0, scale^2)} (the generator's "The model" describes the scale). The generator's record
 * emission reads the arrays directly; this class also gives the reference a learned model is
 * compared with ({@link #prediction}, {@link #score}).
 *
 * <p>Immutable once drawn, so thread-safe.
 */
final class PlantedModel implements Serializable {

    private static final long serialVersionUID = 1L;

    private final boolean classifier;
    private final int features;
    private final int classes;
    /** classes x features, row-major (classifiers); null for LINEAR. */
    final double[] means;
    /** |mu_c|^2 / 2 (classifiers): the nearest-mean rule's per-class offset, made once. */
    private final double[] halfNormSq;
    /** The planted weights (LINEAR); null for classifiers. */
    final double[] weights;
    /** The planted bias (LINEAR); 0 for classifiers. */
    final double bias;

    private PlantedModel(boolean classifier, int features, int classes, double[] means, double[] halfNormSq,
            double[] weights, double bias) {
        this.classifier = classifier;
        this.features = features;
        this.classes = classes;
        this.means = means;
        this.halfNormSq = halfNormSq;
        this.weights = weights;
        this.bias = bias;
    }

    /** {@code classes} class means, drawn class by class from {@code r}. */
    static PlantedModel classMeans(int classes, int features, double scale, SplitMix64 r) {
        double[] means = new double[classes * features];
        double[] halfNormSq = new double[classes];
        for (int c = 0; c < classes; c++) {
            double sq = 0;
            for (int j = 0; j < features; j++) {
                double m = r.nextGaussian() * scale;
                means[c * features + j] = m;
                sq += m * m;
            }
            halfNormSq[c] = sq / 2;
        }
        return new PlantedModel(true, features, classes, means, halfNormSq, null, 0);
    }

    /** Weights and then the bias (unit variance, whatever the scale), drawn from {@code r}. */
    static PlantedModel linear(int features, double scale, SplitMix64 r) {
        double[] weights = new double[features];
        for (int j = 0; j < features; j++) {
            weights[j] = r.nextGaussian() * scale;
        }
        double bias = r.nextGaussian();
        return new PlantedModel(false, features, 0, null, null, weights, bias);
    }

    /** See {@link SyntheticGenerator#plantedScore}. */
    double score(List<Example> examples) {
        if (examples.isEmpty()) {
            return Double.NaN;
        }
        double total = 0;
        for (Example e : examples) {
            double prediction = prediction(e);
            if (classifier) {
                total += prediction == e.label() ? 1 : 0;
            } else {
                double err = e.label() - prediction;
                total += err * err;
            }
        }
        return total / examples.size();
    }

    /** See {@link SyntheticGenerator#plantedPrediction}. */
    double prediction(Example e) {
        checkShape(e);
        if (classifier) {
            int best = 0;
            double bestScore = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < classes; c++) {
                double score = dot(means, c * features, e) - halfNormSq[c];
                if (score > bestScore) {
                    bestScore = score;
                    best = c;
                }
            }
            return best;
        }
        return dot(weights, 0, e) + bias;
    }

    private void checkShape(Example e) {
        if (e.isDense()) {
            if (e.values().length != features) {
                throw new IllegalArgumentException(
                        "expected " + features + " features, got " + e.values().length);
            }
        } else {
            for (int index : e.indices()) {
                if (index < 0 || index >= features) {
                    throw new IllegalArgumentException(
                            "feature index " + index + " is out of range [0, " + features + ")");
                }
            }
        }
    }

    private static double dot(double[] w, int offset, Example e) {
        float[] v = e.values();
        int[] idx = e.indices();
        double sum = 0;
        if (idx == null) {
            for (int j = 0; j < v.length; j++) {
                sum += w[offset + j] * v[j];
            }
        } else {
            for (int k = 0; k < v.length; k++) {
                sum += w[offset + idx[k]] * v[k];
            }
        }
        return sum;
    }
}
