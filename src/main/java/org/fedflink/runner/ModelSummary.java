package org.fedflink.runner;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.fedflink.artifact.RunFolder;
import org.fedflink.drift.DriftSettings;
import org.fedflink.eval.Fairness;
import org.fedflink.eval.HoldoutColumns;
import org.fedflink.eval.TimeToAccuracy;
import org.fedflink.pipeline.FedJob;
import org.fedflink.pipeline.SourceStats;
import org.fedflink.report.CsvTable;

/**
 * The part of {@code summary.json} about one model, the run's or a task's: its final version and
 * metrics from {@code models/latest.json}, the per-source fairness figures of {@code sources.csv},
 * the drift counts of {@code drifts.csv}, its time to accuracy from {@code metrics.csv}, and the
 * baselines it is compared against (centralized, local-only), each under the field names
 * {@link RunSummary} documents.
 */
final class ModelSummary {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String METRICS_FILE = RunFolder.METRICS;

    /** The key of the centralized baseline under {@code baselines}. */
    static final String BASELINE_CENTRALIZED = "centralized";
    /** The key of the local-only baseline under {@code baselines}. */
    static final String BASELINE_LOCAL = "local";

    private ModelSummary() {}

    /** The final model of the loop writing to {@code dir}, its metrics and its baselines'. */
    static void collect(Path dir, ObjectNode to, long startMillis) throws IOException {
        JsonNode model = latest(dir);
        to.put("globalVersion", model.path("version").asLong());
        to.put("rounds", model.path("rounds").asLong());
        to.put("samplesInModel", model.path("samplesInModel").asLong());
        JsonNode m = model.path("metrics");
        // what the strategy left out; older metadata has no such fields
        for (String field : List.of("roundsSkipped", "updatesRejected", "updatesTooStale")) {
            if (m.has(field)) {
                to.put(field, m.path(field).asLong());
            }
        }
        // the privacy spent by a DP strategy (null epsilon: no noise, no guarantee)
        if (m.hasNonNull("dpDelta")) {
            copy(m, to, "epsilon");
            to.put("dpDelta", m.path("dpDelta").asDouble());
        }
        ObjectNode metrics = to.putObject("metrics");
        for (String field : List.of("prequentialAccuracy", "prequentialLoss", "holdoutAccuracy", "holdoutLogLoss",
                "holdoutLoss", "holdoutMacroF1", "holdoutAuc", "holdoutRmse", "holdoutMae",
                "windowPrequentialAccuracy", "windowPrequentialLoss")) {
            copy(m, metrics, field);
        }
        metrics.put("holdoutExamples", m.path("holdoutExamples").asInt());
        if (m.path("holdouts").isObject()) {
            metrics.set("holdouts", m.path("holdouts").deepCopy());
        }
        sourceFairness(dir.resolve(RunFolder.SOURCES), metrics);
        to.set("drifts", drifts(dir.resolve(RunFolder.DRIFTS), m.path("globalDrifts").asLong()));
        to.set("timeToAccuracy", timeToAccuracy(dir.resolve(METRICS_FILE), startMillis));
        Path baselineDir = dir.resolve(RunFolder.BASELINE);
        if (Files.exists(baselineDir.resolve(RunFolder.MODELS).resolve(RunFolder.LATEST))) {
            JsonNode b = latest(baselineDir);
            ObjectNode baseline = to.putObject("baseline");
            baseline.put("mode", "centralized");
            for (String field : List.of("holdoutAccuracy", "holdoutLogLoss", "holdoutLoss", "holdoutMacroF1",
                    "holdoutAuc", "holdoutRmse", "holdoutMae", "prequentialAccuracy")) {
                copy(b.path("metrics"), baseline, field);
            }
            baseline.put("globalVersion", b.path("version").asLong());
            baseline.put("samplesInModel", b.path("samplesInModel").asLong());
            baseline.put("modelPath",
                    baselineDir.resolve(RunFolder.MODELS).resolve(b.path("params").asText()).toAbsolutePath().toString());
            // the list of baselines: the same figures, with the named holdouts' and the time to accuracy
            ObjectNode centralized = baseline.deepCopy();
            if (b.path("metrics").path("holdouts").isObject()) {
                centralized.set("holdouts", b.path("metrics").path("holdouts").deepCopy());
            }
            centralized.set("timeToAccuracy", timeToAccuracy(baselineDir.resolve(METRICS_FILE), startMillis));
            baselines(to).set(BASELINE_CENTRALIZED, centralized);
        }
        Path local = dir.resolve(RunFolder.LOCAL_BASELINE).resolve(RunFolder.SUMMARY);
        if (Files.exists(local)) {
            baselines(to).set(BASELINE_LOCAL, localBaseline(JSON.readTree(local.toFile())));
        }
        to.put("modelPath", model.has("params")
                ? dir.resolve(RunFolder.MODELS).resolve(model.path("params").asText()).toAbsolutePath().toString()
                : null);
    }

    private static ObjectNode baselines(ObjectNode part) {
        return part.has("baselines") ? (ObjectNode) part.get("baselines") : part.putObject("baselines");
    }

    /**
     * The local-only baseline's entry: the mean over sources of each primary-holdout figure under the
     * names every model uses ({@code holdoutAccuracy}, ...), the worst source's and the worst
     * decile's accuracy (and worst RMSE), the named holdouts' means, and the whole spread of every
     * figure over the sources ({@code perSource}, as {@code baseline-local/summary.json} has it).
     */
    static ObjectNode localBaseline(JsonNode local) {
        ObjectNode entry = JSON.createObjectNode();
        entry.put("mode", "local");
        entry.put("sources", local.path("sources").asLong());
        entry.put("examples", local.path("examples").asLong());
        JsonNode primary = local.path("holdouts").path(FedJob.HOLDOUT);
        for (String figure : List.of("accuracy", "loss", "macroF1", "auc", "rmse", "mae")) {
            String field = "holdout" + Character.toUpperCase(figure.charAt(0)) + figure.substring(1);
            copy(primary.path(figure), entry, "mean", field);
        }
        if (primary.has("accuracy")) {
            copy(primary.path("loss"), entry, "mean", "holdoutLogLoss");
        }
        copy(primary.path("accuracy"), entry, "min", "minHoldoutAccuracy");
        copy(primary.path("accuracy"), entry, "worstDecile", "worstDecileHoldoutAccuracy");
        copy(primary.path("rmse"), entry, "max", "maxHoldoutRmse");
        copy(local, entry, "prequentialAccuracy", "prequentialAccuracy");
        ObjectNode named = JSON.createObjectNode();
        local.path("holdouts").fields().forEachRemaining(h -> {
            if (!h.getKey().equals(FedJob.HOLDOUT)) {
                ObjectNode means = named.putObject(h.getKey());
                h.getValue().fields().forEachRemaining(f -> copy(f.getValue(), means, "mean", f.getKey()));
            }
        });
        if (named.size() > 0) {
            entry.set("holdouts", named);
        }
        entry.set("perSource", local.path("holdouts").deepCopy());
        return entry;
    }

    private static void copy(JsonNode from, ObjectNode to, String field, String as) {
        if (from.path(field).isNumber()) {
            to.put(as, from.path(field).asDouble());
        }
    }

    /**
     * {@code {"95": {"examples": N, "seconds": S}, "99": {...}}} of a loop's {@code metrics.csv}: when
     * its primary holdout accuracy first reached that share of its final value ({@link TimeToAccuracy});
     * a share never reached (no accuracy: regression, no holdout, no file) is null.
     */
    static ObjectNode timeToAccuracy(Path metricsCsv, long startMillis) throws IOException {
        List<TimeToAccuracy.Point> curve = new ArrayList<>();
        Optional<CsvTable> table = CsvTable.readIfExists(metricsCsv);
        if (table.isPresent()) {
            List<Double> samples = table.get().numbers("samplesInModel").orElse(List.of());
            List<Double> created = table.get().numbers("createdMillis").orElse(List.of());
            List<Double> accuracy = table.get().numbers(HoldoutColumns.primaryColumn("accuracy")).orElse(List.of());
            for (int i = 0; i < Math.min(samples.size(), Math.min(created.size(), accuracy.size())); i++) {
                if (samples.get(i) != null && created.get(i) != null) {
                    curve.add(new TimeToAccuracy.Point(samples.get(i).longValue(), created.get(i).longValue(),
                            accuracy.get(i) == null ? Double.NaN : accuracy.get(i)));
                }
            }
        }
        ObjectNode out = JSON.createObjectNode();
        TimeToAccuracy.compute(curve, startMillis).forEach((percent, reached) -> {
            if (reached == null) {
                out.putNull(percent.toString());
            } else {
                ObjectNode r = out.putObject(percent.toString());
                r.put("examples", reached.examples());
                if (reached.seconds() == null) {
                    r.putNull("seconds");
                } else {
                    r.put("seconds", reached.seconds());
                }
            }
        });
        return out;
    }

    /**
     * {@code {"global": n, "sources": m}}: the drifts the server detected ({@code global}, the final
     * version's count) and those the sources detected, the other rows of {@code drifts.csv} (a
     * source may be named {@code global} too: rows of that name beyond the server's count are its).
     */
    static ObjectNode drifts(Path driftsCsv, long global) throws IOException {
        long rows = 0;
        long named = 0;
        Optional<CsvTable> table = CsvTable.readIfExists(driftsCsv);
        if (table.isPresent()) {
            List<String> sources = table.get().strings("source").orElse(List.of());
            rows = sources.size();
            named = sources.stream().filter(DriftSettings.GLOBAL::equals).count();
        }
        ObjectNode out = JSON.createObjectNode();
        out.put("global", global);
        out.put("sources", rows - Math.min(named, global));
        return out;
    }

    /**
     * The per-source figures of {@code sources.csv}: how many sources reported, the mean of their
     * prequential accuracies and the mean of the worst 10 % (the fairness figure).
     */
    private static void sourceFairness(Path file, ObjectNode metrics) throws IOException {
        Optional<CsvTable> table = CsvTable.readIfExists(file);
        if (table.isEmpty()) {
            return;
        }
        double[] values = table.get().numbers("prequentialAccuracy").orElse(List.of()).stream()
                .filter(v -> v != null)
                .mapToDouble(Double::doubleValue)
                .toArray();
        metrics.put("sourcesReporting", values.length);
        if (values.length > 0) {
            metrics.put("sourceMeanPrequentialAccuracy", Arrays.stream(values).average().orElse(Double.NaN));
            metrics.put("worstDecilePrequentialAccuracy",
                    Fairness.worstFractionMean(values, SourceStats.WORST_FRACTION));
        }
    }

    private static JsonNode latest(Path dir) throws IOException {
        Path latest = dir.resolve(RunFolder.MODELS).resolve(RunFolder.LATEST);
        return Files.exists(latest) ? JSON.readTree(latest.toFile()) : JSON.createObjectNode();
    }

    private static void copy(JsonNode from, ObjectNode to, String field) {
        JsonNode value = from.get(field);
        if (value == null || value.isNull()) {
            to.putNull(field);
        } else {
            to.set(field, value);
        }
    }
}
