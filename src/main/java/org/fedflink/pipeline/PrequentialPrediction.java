package org.fedflink.pipeline;

/**
 * The prediction a source's model made for an example before learning from it (prequential), as
 * written to {@code predictions.jsonl}.
 *
 * @param source the example's source
 * @param timestamp the example's event time
 * @param label its true label
 * @param prediction the predicted class (classifiers) or value (linear regression)
 * @param loss the loss of the prediction (log loss of the true class, squared error)
 * @param modelVersion the global version the source's model is based on (the oldest over shards;
 *     0 before the first global model arrived)
 * @param localExamples examples the source learned on top of that version since it last reported
 */
public record PrequentialPrediction(
        String source, long timestamp, double label, double prediction, double loss, long modelVersion,
        long localExamples) {}
