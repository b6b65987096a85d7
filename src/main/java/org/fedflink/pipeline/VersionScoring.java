package org.fedflink.pipeline;

import java.util.List;
import org.fedflink.eval.HoldoutSets;
import org.fedflink.model.Model;

/**
 * Scores versions on the holdout sets ({@link HoldoutSets}: the primary one and each named one),
 * at most every {@code evaluation.intervalMillis} and always the final version. Scoring every
 * version would put the holdout pass on the loop's critical path (through back-pressure), so the
 * versions in between go unscored.
 */
final class VersionScoring {

    private final HoldoutSets holdouts;
    private final Model model;
    private final long intervalMillis;
    private long lastScoredMillis;
    /** Read by the metric gauges, from another thread than the one scoring. */
    private volatile HoldoutSets.Scores lastScores;

    VersionScoring(HoldoutSets holdouts, Model model, long intervalMillis) {
        this.holdouts = holdouts;
        this.model = model;
        this.intervalMillis = intervalMillis;
        this.lastScores = HoldoutSets.Scores.none(holdouts.names());
    }

    /** The scores of a version's {@code params}; no figures when it is not its turn. */
    HoldoutSets.Scores score(float[] params, boolean last) {
        long now = System.currentTimeMillis();
        if (last || now - lastScoredMillis >= intervalMillis) {
            HoldoutSets.Scores scores = holdouts.score(model, params);
            lastScoredMillis = now;
            lastScores = scores;
            return scores;
        }
        return HoldoutSets.Scores.none(holdouts.names());
    }

    /** The newest figures scored; none before the first version is scored. */
    HoldoutSets.Scores lastScores() {
        return lastScores;
    }

    /** The named holdout sets, in the order their figures are written. */
    List<String> holdoutNames() {
        return holdouts.names();
    }
}
