package org.fedflink.model;

/** TODO. */
public record InverseLearningRate(double rate, double decay) implements LearningRate {
    @Override
    public double at(long step) {
        throw new UnsupportedOperationException("TODO");
    }
}
