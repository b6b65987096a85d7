package org.fedflink.eval;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The local-only baseline's figures: every source trained its own model alone, and each model was
 * scored on the holdout sets. Over the sources it reports, per holdout, the mean, the minimum and
 * the mean of the worst 10 % ({@link Fairness#worstFractionMean}) of each figure, and the
 * prequential accuracy and loss of all their examples pooled.
 *
 * @param sources how many sources trained
 * @param examples examples over all sources
 * @param prequentialAccuracy correct prequential predictions over all examples (NaN for regression)
 * @param prequentialLoss mean prequential loss over all examples
 * @param holdouts per holdout name, in order: the spread of each figure over the sources
 */
public record LocalBaseline(int sources, long examples, double prequentialAccuracy, double prequentialLoss,
        Map<String, Map<String, Spread>> holdouts) {

    /** The share of sources whose mean is the worst-decile figure. */
    public static final double WORST_FRACTION = 0.1;

    /**
     * What one source learned alone.
     *
     * @param source the data source
     * @param examples examples it trained on
     * @param correct prequential correct predictions among them
     * @param lossSum prequential loss summed over them
     * @param holdouts its final model's score on each holdout set, in the job's holdout order
     */
    public record SourceResult(String source, long examples, long correct, double lossSum, Evaluator.Score[] holdouts) {
        public double prequentialAccuracy() {
            return examples == 0 ? Double.NaN : (double) correct / examples;
        }

        public double prequentialLoss() {
            return examples == 0 ? Double.NaN : lossSum / examples;
        }
    }

    /**
     * A figure over the sources that have it (NaN entries left out): mean, minimum and the mean of
     * the worst 10 % (lowest for accuracy-like figures, highest for losses and errors).
     */
    public record Spread(double mean, double min, double max, double worstDecile) {
        static Spread of(double[] values, boolean higherIsBetter) {
            double[] oriented = values.clone();
            if (!higherIsBetter) {
                for (int i = 0; i < oriented.length; i++) {
                    oriented[i] = -oriented[i];
                }
            }
            double worst = Fairness.worstFractionMean(oriented, WORST_FRACTION);
            return new Spread(Fairness.worstFractionMean(values, 1.0), Fairness.percentile(values, 0),
                    Fairness.percentile(values, 100), higherIsBetter ? worst : -worst);
        }
    }

    /** The figures of {@code results}, whose holdout scores are named {@code holdoutNames}, in order. */
    public static LocalBaseline of(List<SourceResult> results, List<String> holdoutNames) {
        long examples = 0;
        long correct = 0;
        double lossSum = 0;
        for (SourceResult r : results) {
            examples += r.examples();
            correct += r.correct();
            lossSum += r.lossSum();
        }
        Map<String, Map<String, Spread>> holdouts = new LinkedHashMap<>();
        for (int h = 0; h < holdoutNames.size(); h++) {
            int index = h;
            Map<String, Spread> figures = new LinkedHashMap<>();
            figures.put("accuracy", spread(results, index, Evaluator.Score::accuracy, true));
            figures.put("loss", spread(results, index, Evaluator.Score::loss, false));
            figures.put("macroF1", spread(results, index, Evaluator.Score::macroF1, true));
            figures.put("auc", spread(results, index, Evaluator.Score::auc, true));
            figures.put("rmse", spread(results, index, Evaluator.Score::rmse, false));
            figures.put("mae", spread(results, index, Evaluator.Score::mae, false));
            holdouts.put(holdoutNames.get(h), figures);
        }
        return new LocalBaseline(results.size(), examples,
                examples == 0 ? Double.NaN : (double) correct / examples,
                examples == 0 ? Double.NaN : lossSum / examples, holdouts);
    }

    private static Spread spread(List<SourceResult> results, int holdout, ToDoubleFunction<Evaluator.Score> figure,
            boolean higherIsBetter) {
        double[] values = new double[results.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = figure.applyAsDouble(results.get(i).holdouts()[holdout]);
        }
        return Spread.of(values, higherIsBetter);
    }

    /**
     * The figures as JSON-ready maps (NaN and figures that do not apply to the model left out):
     * {@code sources}, {@code examples}, {@code prequentialAccuracy}, {@code prequentialLoss} and
     * per holdout name {@code {accuracy: {mean, min, max, worstDecile}, loss: {...}, ...}}.
     */
    public Map<String, Object> toMap(boolean classifier) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("sources", sources);
        m.put("examples", examples);
        putFinite(m, "prequentialAccuracy", classifier ? prequentialAccuracy : Double.NaN);
        putFinite(m, "prequentialLoss", prequentialLoss);
        Map<String, Object> byName = new LinkedHashMap<>();
        holdouts.forEach((name, figures) -> {
            Map<String, Object> kept = new LinkedHashMap<>();
            figures.forEach((figure, spread) -> {
                if (Double.isFinite(spread.mean())) {
                    Map<String, Object> s = new LinkedHashMap<>();
                    s.put("mean", spread.mean());
                    s.put("min", spread.min());
                    s.put("max", spread.max());
                    s.put("worstDecile", spread.worstDecile());
                    kept.put(figure, s);
                }
            });
            byName.put(name, kept);
        });
        m.put("holdouts", byName);
        return m;
    }

    private static void putFinite(Map<String, Object> m, String key, double value) {
        if (Double.isFinite(value)) {
            m.put(key, value);
        }
    }
}
