package org.fedflink.bench;

import org.fedflink.data.Example;
import org.fedflink.model.ModelType;

/**
 * The anchor: the most straightforward online learner a Java programmer would write for the
 * bench's models, kept apart from {@code org.fedflink.model} on purpose — double weights, one row
 * per output with its bias last, plain loops, constant learning rate, L2 on the coordinates a step
 * touches. Per example it predicts (and counts a hit) and then takes one SGD step, as the job's
 * trainers do. It tells how fast the hardware steps these models, so that the job and the
 * project's own loop ({@link Reference}) are both measured against something they did not shape.
 *
 * <p>Linear regression (squared loss), logistic regression (sigmoid, labels 0/1) and softmax
 * regression (labels 0 .. classes-1); an MLP has no anchor.
 */
final class Anchor {

    private final ModelType type;
    private final int features;
    private final int outputs;
    private final double learningRate;
    private final double l2;
    private final double[][] weights;
    private final double[] scores;
    private long hits;

    Anchor(ModelType type, int features, int classes, double learningRate, double l2) {
        if (!supports(type)) {
            throw new IllegalArgumentException("no anchor for " + type);
        }
        this.type = type;
        this.features = features;
        this.outputs = type == ModelType.SOFTMAX ? classes : 1;
        this.learningRate = learningRate;
        this.l2 = l2;
        this.weights = new double[outputs][features + 1];
        this.scores = new double[outputs];
    }

    static boolean supports(ModelType type) {
        return type == ModelType.LINEAR || type == ModelType.LOGISTIC || type == ModelType.SOFTMAX;
    }

    /** Predicts {@code e}, counts whether the prediction was right, then takes one step on it. */
    void learn(Example e) {
        score(e);
        int label = (int) e.label();
        switch (type) {
            case SOFTMAX -> {
                int best = 0;
                double max = scores[0];
                for (int k = 1; k < outputs; k++) {
                    if (scores[k] > max) {
                        max = scores[k];
                        best = k;
                    }
                }
                hits += best == label ? 1 : 0;
                double sum = 0;
                for (int k = 0; k < outputs; k++) {
                    scores[k] = Math.exp(scores[k] - max);
                    sum += scores[k];
                }
                for (int k = 0; k < outputs; k++) {
                    step(weights[k], e, scores[k] / sum - (k == label ? 1 : 0));
                }
            }
            case LOGISTIC -> {
                double p = 1 / (1 + Math.exp(-scores[0]));
                hits += (p >= 0.5 ? 1 : 0) == label ? 1 : 0;
                step(weights[0], e, p - e.label());
            }
            default -> step(weights[0], e, scores[0] - e.label());
        }
    }

    /** Examples predicted right before their step, over every {@link #learn}. */
    long hits() {
        return hits;
    }

    /** Whether the model, as it is now, predicts {@code e}'s class (classifiers only). */
    boolean predictsRight(Example e) {
        score(e);
        if (type == ModelType.LOGISTIC) {
            return (scores[0] >= 0 ? 1 : 0) == (int) e.label();
        }
        int best = 0;
        for (int k = 1; k < outputs; k++) {
            if (scores[k] > scores[best]) {
                best = k;
            }
        }
        return best == (int) e.label();
    }

    private void score(Example e) {
        int[] indices = e.indices();
        float[] values = e.values();
        for (int k = 0; k < outputs; k++) {
            double[] w = weights[k];
            double z = w[features];
            if (indices == null) {
                for (int j = 0; j < features; j++) {
                    z += w[j] * values[j];
                }
            } else {
                for (int i = 0; i < indices.length; i++) {
                    z += w[indices[i]] * values[i];
                }
            }
            scores[k] = z;
        }
    }

    private void step(double[] w, Example e, double gradient) {
        int[] indices = e.indices();
        float[] values = e.values();
        if (indices == null) {
            for (int j = 0; j < features; j++) {
                w[j] -= learningRate * (gradient * values[j] + l2 * w[j]);
            }
        } else {
            for (int i = 0; i < indices.length; i++) {
                int j = indices[i];
                w[j] -= learningRate * (gradient * values[i] + l2 * w[j]);
            }
        }
        w[features] -= learningRate * gradient;
    }
}
