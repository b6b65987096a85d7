package org.fedflink.model;

/** TODO. */
public record ConstantLearningRate(double rate) implements LearningRate {
    @Override
    public double at(long step) {
        throw new UnsupportedOperationException("TODO");
    }
}
