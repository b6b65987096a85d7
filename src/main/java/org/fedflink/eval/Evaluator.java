package org.fedflink.eval;

import java.util.List;
import org.fedflink.data.Example;
import org.fedflink.model.Model;

/** Scores a parameter vector on a labelled set: accuracy and log loss, or mean squared error. */
public final class Evaluator {
    private Evaluator() {}

    /**
     * @return accuracy (NaN for regression) and mean loss (log loss in nats for classifiers, squared
     *     loss / 2 for regression) over {@code examples}; both NaN when the set is empty
     */
    public static Score score(Model model, float[] params, List<Example> examples) {
        if (examples.isEmpty()) {
            return new Score(Double.NaN, Double.NaN, 0);
        }
        long correct = 0;
        double loss = 0;
        for (Example e : examples) {
            if (model.spec().isClassifier() && model.predict(params, e.indices(), e.values()) == e.label()) {
                correct++;
            }
            loss += model.loss(params, e.indices(), e.values(), e.label());
        }
        double accuracy = model.spec().isClassifier() ? (double) correct / examples.size() : Double.NaN;
        return new Score(accuracy, loss / examples.size(), examples.size());
    }

    /** Holdout metrics of one model version. */
    public record Score(double accuracy, double loss, int examples) {}
}
