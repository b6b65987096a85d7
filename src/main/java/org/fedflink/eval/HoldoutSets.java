package org.fedflink.eval;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.fedflink.data.Example;
import org.fedflink.model.Model;

/**
 * The labelled sets every model version is scored on: the <b>primary</b> set, whose figures are the
 * unprefixed holdout figures of a run ({@code holdoutAccuracy}, ...), and the <b>named</b> sets of
 * {@code evaluation.holdouts}, in the spec's order (see {@link HoldoutColumns}).
 *
 * <p>The primary set is a set of its own ({@code evaluation.holdoutPath}, the generator's holdout) or,
 * when there is none, the first named set; {@link #score} then scores that set once and reports it
 * under both.
 *
 * @param primary the primary set; empty when there is none (nothing is scored)
 * @param primaryName the named set the primary is, or null when it is a set of its own
 * @param named the named sets by name, in order
 */
public record HoldoutSets(List<Example> primary, String primaryName, Map<String, List<Example>> named) {

    public HoldoutSets {
        named = Collections.unmodifiableMap(new LinkedHashMap<>(named));
        if (primaryName != null) {
            if (!named.containsKey(primaryName)) {
                throw new IllegalArgumentException("the primary holdout '" + primaryName + "' is not among " + named.keySet());
            }
            primary = named.get(primaryName);
        }
    }

    /** No holdout: versions are not scored. */
    public static HoldoutSets none() {
        return new HoldoutSets(List.of(), null, Map.of());
    }

    /** One holdout set (the one-holdout form, {@code evaluation.holdoutPath} or the generator's). */
    public static HoldoutSets of(List<Example> primary) {
        return new HoldoutSets(primary, null, Map.of());
    }

    /**
     * A primary set of its own (null or empty for none) and the named sets; without a primary set
     * of its own, the first named set is the primary.
     */
    public static HoldoutSets of(List<Example> own, Map<String, List<Example>> named) {
        if ((own == null || own.isEmpty()) && !named.isEmpty()) {
            return new HoldoutSets(null, named.keySet().iterator().next(), named);
        }
        return new HoldoutSets(own == null ? List.of() : own, null, named);
    }

    /** The names of the named sets, in order. */
    public List<String> names() {
        return List.copyOf(named.keySet());
    }

    /** Scores {@code params} on every set, each set once. */
    public Scores score(Model model, float[] params) {
        Map<String, Evaluator.Score> scores = new LinkedHashMap<>();
        named.forEach((name, examples) -> scores.put(name, Evaluator.score(model, params, examples)));
        Evaluator.Score first = primaryName != null ? scores.get(primaryName) : Evaluator.score(model, params, primary);
        return new Scores(first, scores);
    }

    /**
     * The figures of one version.
     *
     * @param primary the primary set's ({@link Evaluator.Score#NONE} without one)
     * @param named each named set's, in order
     */
    public record Scores(Evaluator.Score primary, Map<String, Evaluator.Score> named) {
        public Scores {
            named = Collections.unmodifiableMap(new LinkedHashMap<>(named));
        }

        /** Nothing scored (a version in between two scored ones). */
        public static Scores none(List<String> names) {
            Map<String, Evaluator.Score> none = new LinkedHashMap<>();
            names.forEach(name -> none.put(name, Evaluator.Score.NONE));
            return new Scores(Evaluator.Score.NONE, none);
        }
    }
}
