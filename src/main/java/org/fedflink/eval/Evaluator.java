package org.fedflink.eval;

import java.util.List;
import org.fedflink.data.Example;
import org.fedflink.model.Model;
import org.fedflink.model.ModelType;

/**
 * Scores a parameter vector on a labelled set: accuracy, log loss, macro-F1 (and ROC AUC for
 * binary models) for classifiers; RMSE, MAE and the squared loss for regression.
 */
public final class Evaluator {
    private Evaluator() {}

    /**
     * @return the metrics of {@code params} over {@code examples}; every figure is NaN when the set is
     *     empty, and the figures that do not apply to the model (accuracy for regression, RMSE for a
     *     classifier, AUC for more than two classes) are NaN
     */
    public static Score score(Model model, float[] params, List<Example> examples) {
        if (examples.isEmpty()) {
            return Score.NONE;
        }
        if (!model.spec().isClassifier()) {
            RegressionMetrics metrics = new RegressionMetrics();
            for (Example e : examples) {
                metrics.add(e.label(), model.predict(params, e.indices(), e.values()));
            }
            return new Score(examples.size(), Double.NaN, metrics.meanSquaredLoss(), Double.NaN, Double.NaN,
                    metrics.rmse(), metrics.mae());
        }
        ClassificationMetrics metrics = new ClassificationMetrics(model.spec().classes());
        boolean binary = model.spec().type() == ModelType.LOGISTIC;
        double[] probabilities = new double[model.spec().outputs()];
        for (Example e : examples) {
            int predicted = (int) model.predict(params, e.indices(), e.values());
            double positive = Double.NaN;
            if (binary) {
                model.probabilities(params, e.indices(), e.values(), probabilities);
                positive = probabilities[0];
            }
            double loss = model.loss(params, e.indices(), e.values(), e.label());
            metrics.add((int) e.label(), predicted, positive, loss);
        }
        return new Score(examples.size(), metrics.accuracy(), metrics.logLoss(), metrics.macroF1(),
                binary ? metrics.auc() : Double.NaN, Double.NaN, Double.NaN);
    }

    /**
     * Holdout metrics of one model version.
     *
     * @param examples how many examples were scored
     * @param accuracy fraction predicted right (classifiers)
     * @param loss mean loss: log loss in nats for classifiers, squared error / 2 for regression
     * @param macroF1 mean of the per-class F1 scores over the classes that occur (classifiers)
     * @param auc ROC AUC of the positive class (binary logistic only)
     * @param rmse root mean squared error (regression)
     * @param mae mean absolute error (regression)
     */
    public record Score(int examples, double accuracy, double loss, double macroF1, double auc, double rmse,
            double mae) {
        /** No scoring: every figure NaN. */
        public static final Score NONE =
                new Score(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
    }
}
