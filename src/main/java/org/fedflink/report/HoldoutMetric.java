package org.fedflink.report;

import java.util.List;

/**
 * A holdout figure of {@code metrics.csv} that the report charts per global version and states in
 * the quality lines; one list so the charts and the stats name and order the figures alike.
 *
 * @param column the metrics.csv column (and summary.json field)
 * @param title the chart's title
 * @param yLabel the chart's y axis label
 * @param core whether every run is expected to record it: its absence is noted on its own line
 */
record HoldoutMetric(String column, String title, String yLabel, boolean core) {

    /** Holdout metrics charted when metrics.csv has them; the first two are always expected. */
    static final List<HoldoutMetric> ALL = List.of(
            new HoldoutMetric("holdoutAccuracy", "Holdout accuracy", "accuracy", true),
            new HoldoutMetric("holdoutLoss", "Holdout loss", "loss", true),
            new HoldoutMetric("holdoutMacroF1", "Holdout macro-F1", "macro-F1", false),
            new HoldoutMetric("holdoutAuc", "Holdout AUC", "AUC", false),
            new HoldoutMetric("holdoutRmse", "Holdout RMSE", "RMSE", false),
            new HoldoutMetric("holdoutMae", "Holdout MAE", "MAE", false));
}
