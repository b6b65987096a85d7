package org.fedflink.predict;

/**
 * What a model says about one example.
 *
 * @param value the prediction: the class index for classifiers, the predicted value for linear
 *     regression
 * @param probability the model's probability of the predicted class; NaN for linear regression
 * @param probabilities the probability of every class, by class index ({@code [P(0), P(1)]} for
 *     logistic regression); empty for linear regression. The caller must not modify it.
 */
public record Prediction(double value, double probability, double[] probabilities) {

    /** The predicted class index (classifiers). */
    public int predictedClass() {
        return (int) value;
    }
}
