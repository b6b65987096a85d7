package org.fedflink.quality;

import java.util.Map;

/**
 * The figures of a reference learner, one that is not the federated path.
 *
 * @param learner what it is, e.g. {@code MOA trees.HoeffdingAdaptiveTree}
 * @param figures e.g. {@code holdoutAccuracy}, {@code holdoutAuc}, {@code holdoutMacroF1},
 *     {@code holdoutLogLoss}, {@code prequentialAccuracy}, {@code recoveryExamples},
 *     {@code minWindowAccuracy} (absent when not measured)
 */
public record ReferenceResult(String learner, Map<String, Double> figures) {}
