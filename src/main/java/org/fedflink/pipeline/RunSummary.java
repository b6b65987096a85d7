package org.fedflink.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.fedflink.artifact.RunFolder;
import org.fedflink.config.JobSpec;
import org.fedflink.eval.Fairness;
import org.fedflink.eval.HoldoutColumns;
import org.fedflink.eval.TimeToAccuracy;
import org.fedflink.report.CsvTable;

/**
 * The outcome of a run, as written to {@code summary.json}: counts from the ingest subtasks, the
 * final model version's metadata (with each named holdout's figures), the time to 95 % and 99 % of
 * the final holdout accuracy, the baselines' figures when they ran, and timing. The field names are
 * a contract that other tools read (docs/running-jobs.md, its {@code summary.json} paragraph).
 *
 * <p>Baselines are listed under {@code baselines}, one entry per kind ({@code centralized}, ...), each
 * with its figures; {@code baseline} keeps the centralized one's figures in the form of the one-baseline
 * summary. The console lines and the report show every entry of {@code baselines}.
 */
public final class RunSummary {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private static final String METRICS_FILE = RunFolder.METRICS;

    /** The key of the centralized baseline under {@code baselines}. */
    static final String BASELINE_CENTRALIZED = "centralized";
    /** The key of the local-only baseline under {@code baselines}. */
    static final String BASELINE_LOCAL = "local";

    /**
     * The figures a model's or a baseline's line shows (a summary field and its label), each when the
     * summary has a number for it. A baseline kind with figures of its own adds them here.
     */
    private static final List<Map.Entry<String, String>> FIGURES = List.of(
            Map.entry("holdoutAccuracy", "holdout accuracy"),
            Map.entry("holdoutLogLoss", "log loss"),
            Map.entry("holdoutAuc", "AUC"),
            Map.entry("holdoutRmse", "holdout RMSE"),
            Map.entry("holdoutMae", "MAE"),
            // the local-only baseline's spread over its sources' models
            Map.entry("minHoldoutAccuracy", "worst source"),
            Map.entry("worstDecileHoldoutAccuracy", "worst 10% of sources"),
            Map.entry("maxHoldoutRmse", "worst source RMSE"));

    private final ObjectNode root;

    private RunSummary(ObjectNode root) {
        this.root = root;
    }

    /**
     * @param startMillis when the job was submitted (epoch milliseconds): the zero of the
     *     time-to-accuracy seconds
     * @param wallMillis from the submission to the end
     */
    static RunSummary collect(JobSpec spec, Path out, String status, long startMillis, long wallMillis, String failure)
            throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("job", spec.job());
        root.put("status", status);
        root.put("mode", spec.mode().name().toLowerCase(Locale.ROOT));
        long[] counts = new long[2];
        int sources = countInto(out.resolve(FedJob.COUNTS), counts);
        long read = counts[0];
        root.put("examples", read);
        root.put("invalid", counts[1]);
        root.put("sources", sources);
        double wallSeconds = wallMillis / 1000.0;
        root.put("wallSeconds", wallSeconds);
        root.put("examplesPerSecond", wallSeconds > 0 ? read / wallSeconds : 0);
        if (!spec.isMultiTask()) {
            modelPart(out, root, startMillis);
        } else {
            ObjectNode tasks = root.putObject("tasks");
            for (JobSpec.Task task : spec.tasks()) {
                ObjectNode t = tasks.putObject(task.name());
                t.put("model", task.spec().model().type().name().toLowerCase(Locale.ROOT));
                t.put("outDir", FedJob.taskDir(out, task).toAbsolutePath().toString());
                modelPart(FedJob.taskDir(out, task), t, startMillis);
            }
            // tasks with another label field or classes read the input again: input-1/, input-2/, ...
            ArrayNode inputs = null;
            for (int g = 1; Files.isDirectory(out.resolve("input-" + g)); g++) {
                long[] c = new long[2];
                countInto(out.resolve("input-" + g).resolve(FedJob.COUNTS), c);
                inputs = inputs == null ? root.putArray("inputs") : inputs;
                inputs.addObject().put("folder", "input-" + g).put("examples", c[0]).put("invalid", c[1]);
            }
        }
        root.put("outDir", out.toAbsolutePath().toString());
        if (failure != null) {
            root.put("failure", failure.lines().findFirst().orElse(failure));
        }
        return new RunSummary(root);
    }

    /** Adds the {read, invalid} counts of the ingest subtasks in {@code dir} and returns the distinct sources. */
    private static int countInto(Path dir, long[] counts) throws IOException {
        Set<String> sources = new HashSet<>();
        if (Files.isDirectory(dir)) {
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".json")).toList()) {
                    JsonNode c = JSON.readTree(f.toFile());
                    counts[0] += c.path("read").asLong();
                    counts[1] += c.path("invalid").asLong();
                    c.path("sources").forEach(source -> sources.add(source.asText()));
                }
            }
        }
        return sources.size();
    }

    /** The final model of the loop writing to {@code dir}, its metrics and its baselines'. */
    private static void modelPart(Path dir, ObjectNode to, long startMillis) throws IOException {
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
            named = sources.stream().filter(org.fedflink.drift.DriftSettings.GLOBAL::equals).count();
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
        if (!Files.exists(file)) {
            return;
        }
        List<Double> accuracies = new ArrayList<>();
        try (var lines = Files.lines(file)) {
            lines.skip(1).forEach(line -> {
                // source names may be quoted and contain commas: the figures are the last columns
                String[] tail = line.substring(line.lastIndexOf('"') + 1).split(",", -1);
                String accuracy = tail[tail.length - 2];
                if (!accuracy.isEmpty()) {
                    accuracies.add(Double.parseDouble(accuracy));
                }
            });
        }
        metrics.put("sourcesReporting", accuracies.size());
        if (!accuracies.isEmpty()) {
            double[] values = accuracies.stream().mapToDouble(Double::doubleValue).toArray();
            metrics.put("sourceMeanPrequentialAccuracy", java.util.Arrays.stream(values).average().orElse(Double.NaN));
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

    void write(Path out) throws IOException {
        JSON.writeValue(out.resolve(RunFolder.SUMMARY).toFile(), root);
    }

    /** The summary as a JSON tree (read-only use). */
    public JsonNode json() {
        return root;
    }

    public boolean finished() {
        return "FINISHED".equals(root.path("status").asText());
    }

    /** A few lines for a person. */
    public String describe() {
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "job %s %s in %.1f s (%s mode)%n", root.path("job").asText(),
                root.path("status").asText(), root.path("wallSeconds").asDouble(), root.path("mode").asText()));
        s.append(String.format(Locale.ROOT, "  examples %d read, %d invalid (dead letters), %d sources, %.0f examples/s%n",
                root.path("examples").asLong(), root.path("invalid").asLong(), root.path("sources").asLong(),
                root.path("examplesPerSecond").asDouble()));
        if (root.has("tasks")) {
            root.path("tasks").fields().forEachRemaining(task -> {
                s.append("  task ").append(task.getKey()).append(" (").append(task.getValue().path("model").asText())
                        .append("):\n");
                describeModel(task.getValue(), "    ", s);
            });
        } else {
            describeModel(root, "  ", s);
        }
        if (root.has("failure")) {
            s.append("  failure: ").append(root.path("failure").asText()).append('\n');
        }
        s.append("  outputs in ").append(root.path("outDir").asText());
        return s.toString();
    }

    private static void describeModel(JsonNode part, String indent, StringBuilder s) {
        s.append(String.format(Locale.ROOT, "%sglobal model v%d after %d rounds, %d samples folded in%n", indent,
                part.path("globalVersion").asLong(), part.path("rounds").asLong(), part.path("samplesInModel").asLong()));
        if (part.path("roundsSkipped").asLong() > 0 || part.path("updatesRejected").asLong() > 0
                || part.path("updatesTooStale").asLong() > 0) {
            s.append(String.format(Locale.ROOT, "%s%d rounds skipped, %d updates rejected (not finite), %d too stale%n",
                    indent, part.path("roundsSkipped").asLong(), part.path("updatesRejected").asLong(),
                    part.path("updatesTooStale").asLong()));
        }
        if (part.has("dpDelta")) {
            s.append(String.format(Locale.ROOT, "%sdifferential privacy: epsilon %s at delta %s%n", indent,
                    part.path("epsilon").isNull() ? "unbounded (no noise)" : fmt(part.get("epsilon")),
                    part.path("dpDelta").asText()));
        }
        JsonNode drifts = part.path("drifts");
        if (drifts.path("global").asLong() > 0 || drifts.path("sources").asLong() > 0) {
            s.append(String.format(Locale.ROOT, "%sconcept drift detected %d times by the server, %d times by sources%n",
                    indent, drifts.path("global").asLong(), drifts.path("sources").asLong()));
        }
        JsonNode m = part.path("metrics");
        boolean regression = isNumber(m.get("holdoutRmse")) || isNumber(m.get("prequentialLoss"))
                && !isNumber(m.get("prequentialAccuracy"));
        s.append(indent).append(figures(m, false)).append("; ")
                .append(regression ? "prequential loss " + fmt(m.get("prequentialLoss"))
                        : "prequential accuracy " + fmt(m.get("prequentialAccuracy")))
                .append('\n');
        namedHoldouts(m.path("holdouts"), indent, s);
        timeToAccuracy(part.path("timeToAccuracy"), indent, s);
        if (m.has("worstDecilePrequentialAccuracy")) {
            s.append(String.format(Locale.ROOT, "%sper source: mean prequential accuracy %s, worst 10%% of sources %s%n",
                    indent, fmt(m.get("sourceMeanPrequentialAccuracy")), fmt(m.get("worstDecilePrequentialAccuracy"))));
        }
        part.path("baselines").fields().forEachRemaining(b -> {
            // the local baseline's figures are means over the sources' own models
            String over = b.getValue().has("sources")
                    ? " (mean of " + b.getValue().path("sources").asLong() + " sources' own models)" : "";
            s.append(indent).append(b.getKey()).append(" baseline").append(over).append(": ")
                    .append(figures(b.getValue(), false)).append('\n');
            namedHoldouts(b.getValue().path("holdouts"), indent + "  ", s);
            timeToAccuracy(b.getValue().path("timeToAccuracy"), indent + "  ", s);
        });
    }

    /**
     * "holdout accuracy 0.9185, log loss 0.2329, AUC 0.9712": the {@link #FIGURES} {@code node} has
     * numbers for. A named holdout's node ({@code named}) has them under short names ({@code accuracy}
     * for {@code holdoutAccuracy}), and its line names the holdout already.
     */
    private static String figures(JsonNode node, boolean named) {
        List<String> shown = new ArrayList<>();
        for (Map.Entry<String, String> figure : FIGURES) {
            if (named && !figure.getKey().startsWith("holdout")) {
                continue; // a spread over sources: the named holdouts' entries hold means only
            }
            JsonNode value = node.get(named ? HoldoutColumns.figureOf(figure.getKey()) : figure.getKey());
            if (isNumber(value)) {
                shown.add((named ? figure.getValue().replace("holdout ", "") : figure.getValue()) + " " + fmt(value));
            }
        }
        return shown.isEmpty() ? "holdout not scored" : String.join(", ", shown);
    }

    private static void namedHoldouts(JsonNode holdouts, String indent, StringBuilder s) {
        holdouts.fields().forEachRemaining(h -> s.append(indent).append("holdout '").append(h.getKey()).append("': ")
                .append(figures(h.getValue(), true)).append('\n'));
    }

    /**
     * "95 % of the final holdout accuracy after 12,000 examples (3.1 s), 99 % after 40,000 examples
     * (7.9 s)"; nothing when no share was reached (no accuracy: regression, or no holdout).
     */
    private static void timeToAccuracy(JsonNode tta, String indent, StringBuilder s) {
        List<String> shares = new ArrayList<>();
        boolean any = false;
        for (var it = tta.fields(); it.hasNext(); ) {
            var share = it.next();
            JsonNode r = share.getValue();
            any |= !r.isNull();
            shares.add(share.getKey() + " %" + (r.isNull() ? " never reached"
                    : String.format(Locale.ROOT, " after %,d examples", r.path("examples").asLong())
                    + (isNumber(r.get("seconds")) ? String.format(Locale.ROOT, " (%.1f s)", r.get("seconds").asDouble())
                            : "")));
        }
        if (any) {
            s.append(indent).append(shares.get(0).replaceFirst(" %", " % of the final holdout accuracy"));
            shares.subList(1, shares.size()).forEach(x -> s.append(", ").append(x));
            s.append('\n');
        }
    }

    private static boolean isNumber(JsonNode n) {
        return n != null && n.isNumber();
    }

    private static String fmt(JsonNode n) {
        return n == null || n.isNull() ? "n/a" : String.format(Locale.ROOT, "%.4f", n.asDouble());
    }
}
