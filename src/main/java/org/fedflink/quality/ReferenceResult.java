package org.fedflink.quality;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The figures of a reference learner: one that is not the federated path, to compare the federated
 * and centralized models with.
 *
 * @param learner what it is ({@code "MOA trees.HoeffdingAdaptiveTree"}, {@code "pooled softmax regression,
 *     20 epochs AdaGrad"})
 * @param figures by name, accuracies as fractions in [0, 1]: {@code holdoutAccuracy}, {@code holdoutAuc},
 *     {@code holdoutMacroF1}, {@code holdoutLogLoss}, {@code prequentialAccuracy}, {@code recoveryExamples},
 *     {@code minWindowAccuracy}, ...; a figure that was not measured is absent (never NaN)
 */
public record ReferenceResult(String learner, Map<String, Double> figures) {

    public ReferenceResult {
        if (learner == null || learner.isBlank()) {
            throw new IllegalArgumentException("learner is required");
        }
        Map<String, Double> copy = new LinkedHashMap<>();
        figures.forEach((name, value) -> {
            if (value != null && !value.isNaN()) {
                copy.put(name, value);
            }
        });
        figures = Collections.unmodifiableMap(copy);
    }
}
