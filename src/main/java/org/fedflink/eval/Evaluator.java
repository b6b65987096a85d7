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
        Accumulator accumulator = new Accumulator(model, params);
        for (Example e : examples) {
            accumulator.add(e);
        }
        return accumulator.score();
    }

    /**
     * The figures of {@link #score} gathered one example at a time, for sets that are streamed
     * rather than held in memory (scoring a file with a saved model). Holds O(classes^2) counts,
     * plus one double per example for a binary model's AUC. Not thread-safe; it shares the model
     * (an MLP's scratch buffers), so use it from the model's thread.
     */
    public static final class Accumulator {
        private final Model model;
        private final float[] params;
        private final ClassificationMetrics classification;
        private final RegressionMetrics regression;
        private final boolean binary;
        private final double[] probabilities;
        private long examples;

        public Accumulator(Model model, float[] params) {
            this.model = model;
            this.params = params;
            boolean classifier = model.spec().isClassifier();
            this.classification = classifier ? new ClassificationMetrics(model.spec().classes()) : null;
            this.regression = classifier ? null : new RegressionMetrics();
            this.binary = model.spec().type() == ModelType.LOGISTIC;
            this.probabilities = new double[model.spec().outputs()];
        }

        /**
         * Scores one labelled example (valid for the model, scaled as the model was trained).
         *
         * @throws IllegalArgumentException as {@link ClassificationMetrics#add} for a label that is not a
         *     class of the model
         */
        public void add(Example e) {
            if (regression != null) {
                regression.add(e.label(), model.predict(params, e.indices(), e.values()));
            } else if (!binary) {
                // One forward pass: the class (argmax, lowest index on ties, as Model.predict) and
                // the log loss both come from the probabilities. Scoring is on the loop's path, so
                // halving it matters for an MLP.
                model.probabilities(params, e.indices(), e.values(), probabilities);
                int predicted = 0;
                for (int k = 1; k < probabilities.length; k++) {
                    if (probabilities[k] > probabilities[predicted]) {
                        predicted = k;
                    }
                }
                int y = (int) e.label();
                double p = y >= 0 && y < probabilities.length ? probabilities[y] : Double.NaN;
                // an underflowed probability would make the loss infinite: the model's own loss is exact
                // (a label out of range is refused by ClassificationMetrics.add below)
                double loss = p > 1e-300 || Double.isNaN(p)
                        ? -Math.log(p)
                        : model.loss(params, e.indices(), e.values(), e.label());
                classification.add((int) e.label(), predicted, Double.NaN, loss);
            } else {
                int predicted = (int) model.predict(params, e.indices(), e.values());
                double positive = Double.NaN;
                if (binary) {
                    model.probabilities(params, e.indices(), e.values(), probabilities);
                    positive = probabilities[0];
                }
                double loss = model.loss(params, e.indices(), e.values(), e.label());
                classification.add((int) e.label(), predicted, positive, loss);
            }
            examples++;
        }

        /** How many examples were added. */
        public long examples() {
            return examples;
        }

        /** The figures so far; {@link Score#NONE} before the first example. */
        public Score score() {
            if (examples == 0) {
                return Score.NONE;
            }
            int n = (int) Math.min(examples, Integer.MAX_VALUE);
            if (regression != null) {
                return new Score(n, Double.NaN, regression.meanSquaredLoss(), Double.NaN, Double.NaN,
                        regression.rmse(), regression.mae());
            }
            return new Score(n, classification.accuracy(), classification.logLoss(), classification.macroF1(),
                    binary ? classification.auc() : Double.NaN, Double.NaN, Double.NaN);
        }
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
