package org.fedflink.pipeline;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.fedflink.artifact.SavedModel;
import org.fedflink.eval.Evaluator;
import org.fedflink.eval.HoldoutColumns;
import org.fedflink.eval.HoldoutSets;
import org.fedflink.model.ModelSpec;

/**
 * What is written about a version: its metadata document ({@link SavedModel}'s format, with
 * {@code metrics} and {@code metrics.holdouts.<name>}) and its row of {@code metrics.csv} (the
 * columns of the named holdouts after the others, see {@link HoldoutColumns}). Both carry the same
 * figures; a figure missing (not scored, or not finite) is null in the one and an empty cell in
 * the other.
 */
final class VersionReport {

    /**
     * The columns of {@code metrics.csv} before those of the named holdouts ({@link #metricsHeader}).
     * Columns added later go at its end (readers look columns up by name).
     */
    static final String METRICS_HEADER =
            "version,createdMillis,samplesInModel,sourcesInModel,rounds,holdoutAccuracy,holdoutLoss,"
            + "prequentialAccuracy,prequentialLoss,roundStaleness,windowPrequentialAccuracy,windowPrequentialLoss,"
            + "holdoutMacroF1,holdoutAuc,holdoutRmse,holdoutMae,roundUpdates,roundSources,"
            + "roundsSkipped,updatesRejected,updatesTooStale,epsilon,globalDrifts";

    private final String job;
    private final ModelSpec spec;

    /**
     * @param job the job's name
     * @param spec the model's shape
     */
    VersionReport(String job, ModelSpec spec) {
        this.job = job;
        this.spec = spec;
    }

    /** The header of {@code metrics.csv}: {@link #METRICS_HEADER}, then the named holdouts' columns. */
    static String metricsHeader(List<String> holdoutNames) {
        return holdoutNames.isEmpty() ? METRICS_HEADER
                : METRICS_HEADER + "," + String.join(",", HoldoutColumns.columns(holdoutNames));
    }

    /**
     * The metadata document of a version.
     *
     * @param jobId the Flink job that made it
     * @param parent its {@code parent} object ({@link SavedModel#parent})
     * @param params its parameter file
     */
    Map<String, Object> metadata(AssembledVersion v, HoldoutSets.Scores scores, String jobId,
            Map<String, Object> parent, VersionFiles.Params params) {
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("format", SavedModel.FORMAT);
        meta.put("job", job);
        meta.put("version", v.version());
        meta.put("final", v.last());
        meta.put("createdMillis", v.createdMillis());
        meta.put("samplesInModel", v.samples());
        meta.put("sourcesInModel", v.sources());
        meta.put("rounds", v.rounds());
        meta.put("shards", v.shards());
        meta.put("jobId", jobId);
        meta.put("parent", parent);
        meta.put("model", SavedModel.shape(spec));
        meta.put("metrics", metrics(v, scores));
        meta.put("params", params.fileName());
        meta.put("paramsEncoding", SavedModel.ENCODING);
        meta.put("checksum", params.checksum());
        return meta;
    }

    /** The row of {@code metrics.csv} of a version, in the columns of {@link #metricsHeader}. */
    String metricsRow(AssembledVersion v, HoldoutSets.Scores scores) {
        GlobalModel first = v.first();
        Evaluator.Score score = scores.primary();
        StringBuilder row = new StringBuilder()
                .append(v.version() + "," + v.createdMillis() + "," + v.samples() + "," + v.sources() + ","
                + v.rounds() + ","
                + csv(score.accuracy()) + "," + csv(score.loss()) + ","
                + csv(first.prequentialAccuracy()) + "," + csv(first.prequentialLoss()) + ","
                + csv(first.roundStaleness()) + "," + csv(first.windowPrequentialAccuracy()) + ","
                + csv(first.windowPrequentialLoss()) + "," + csv(score.macroF1()) + "," + csv(score.auc()) + ","
                + csv(score.rmse()) + "," + csv(score.mae()) + "," + first.roundUpdates() + ","
                + first.roundSources() + "," + v.roundsSkipped() + "," + v.updatesRejected() + ","
                + v.updatesTooStale() + ","
                + csv(first.epsilon()) + "," + first.globalDrifts());
        for (Evaluator.Score s : scores.named().values()) {
            row.append(',').append(String.join(",", HoldoutColumns.cells(s)));
        }
        return row.toString();
    }

    private Map<String, Object> metrics(AssembledVersion v, HoldoutSets.Scores scores) {
        GlobalModel first = v.first();
        Evaluator.Score score = scores.primary();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("holdoutExamples", score.examples());
        for (String figure : HoldoutColumns.FIGURES) {
            m.put(HoldoutColumns.primaryColumn(figure), finite(HoldoutColumns.figure(score, figure)));
        }
        m.put("holdoutLogLoss", spec.isClassifier() ? finite(score.loss()) : null);
        if (!scores.named().isEmpty()) {
            Map<String, Object> named = new LinkedHashMap<>();
            scores.named().forEach((holdout, s) -> named.put(holdout, figures(s)));
            m.put("holdouts", named);
        }
        m.put("prequentialAccuracy", finite(first.prequentialAccuracy()));
        m.put("prequentialLoss", finite(first.prequentialLoss()));
        m.put("windowPrequentialAccuracy", finite(first.windowPrequentialAccuracy()));
        m.put("windowPrequentialLoss", finite(first.windowPrequentialLoss()));
        m.put("roundUpdates", first.roundUpdates());
        m.put("roundSources", first.roundSources());
        m.put("roundSamples", first.roundSamples());
        m.put("roundStaleness", finite(first.roundStaleness()));
        m.put("roundsSkipped", v.roundsSkipped());
        m.put("updatesRejected", v.updatesRejected());
        m.put("updatesTooStale", v.updatesTooStale());
        // DP strategies run on one shard; null without DP, or without noise (no guarantee)
        m.put("epsilon", finite(first.epsilon()));
        m.put("dpDelta", finite(first.dpDelta()));
        // concept drifts the server detected up to this version (shard 0 watches them)
        m.put("globalDrifts", first.globalDrifts());
        return m;
    }

    /** A named holdout's figures in a version's metadata ({@code metrics.holdouts.<name>}). */
    private Map<String, Object> figures(Evaluator.Score score) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("examples", score.examples());
        for (String figure : HoldoutColumns.FIGURES) {
            f.put(figure, finite(HoldoutColumns.figure(score, figure)));
        }
        f.put("logLoss", spec.isClassifier() ? finite(score.loss()) : null);
        return f;
    }

    private static Double finite(double value) {
        return Double.isFinite(value) ? value : null;
    }

    private static String csv(double value) {
        return HoldoutColumns.cell(value);
    }
}
