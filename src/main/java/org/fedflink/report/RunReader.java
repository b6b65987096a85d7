package org.fedflink.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.fedflink.artifact.RunFolder;
import org.fedflink.eval.HoldoutColumns;
import org.fedflink.report.ReportData.Chart;
import org.fedflink.report.ReportData.Section;
import org.fedflink.report.ReportData.Series;
import org.fedflink.report.ReportData.Stat;
import org.fedflink.report.ReportData.Table;

/**
 * Reads a run folder into {@link ReportData}. Required: {@code summary.json}, and
 * {@code metrics.csv} (or, for a multi-task run, {@code tasks/<name>/metrics.csv}). Everything else
 * is optional and looked up by name: an absent file or column omits its chart and adds a one-line
 * note, so the report keeps working on runs written before (or after) a file or column was added.
 *
 * <p>Files read, all optional but the first two:
 *
 * <ul>
 *   <li>{@code summary.json} — job, status, mode, counts, final metrics (with {@code metrics.holdouts}
 *       per named holdout), {@code timeToAccuracy}, and the baselines: every entry of
 *       {@code baselines} ({@code centralized}, ...), or the one {@code baseline} of older runs;
 *   <li>{@code metrics.csv} — one row per global version: {@code version}, {@code holdoutAccuracy},
 *       {@code holdoutLoss}, {@code holdoutMacroF1}, {@code holdoutAuc}, {@code holdoutRmse},
 *       {@code holdoutMae} (blank on versions not scored), {@code prequentialAccuracy},
 *       {@code windowPrequentialAccuracy}, {@code roundUpdates}, {@code roundSources},
 *       {@code globalDrifts} (marked on the prequential chart where it goes up), and the named
 *       holdouts' {@code holdout.<name>.<figure>} columns ({@link HoldoutColumns});
 *   <li>{@code baseline/metrics.csv} — the same for the centralized baseline;
 *   <li>{@code throughput.csv} — {@code elapsedMillis,examplesRead} samples;
 *   <li>{@code sources.csv} — {@code source,prequentialAccuracy,...} per data source;
 *   <li>{@code tasks/<name>/} — per task: {@code metrics.csv}, {@code baseline/metrics.csv},
 *       {@code sources.csv} and {@code summary.json}, each optional.
 * </ul>
 */
final class RunReader {

    /** Points per chart above which a series is thinned (every k-th point kept). */
    static final int MAX_POINTS = 5000;

    /** The share of sources whose mean accuracy the report states ("the worst 10%"). */
    static final double WORST_SHARE = 0.10;

    /** Rows of the worst-sources table. */
    static final int WORST_ROWS = 10;

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String METRICS = RunFolder.METRICS;
    private static final String BASELINE_METRICS = "baseline/metrics.csv";

    /** Holdout metrics charted when metrics.csv has them; the first two are always expected. */
    private static final List<Metric> HOLDOUT = List.of(
            new Metric("holdoutAccuracy", "Holdout accuracy", "accuracy", true),
            new Metric("holdoutLoss", "Holdout loss", "loss", true),
            new Metric("holdoutMacroF1", "Holdout macro-F1", "macro-F1", false),
            new Metric("holdoutAuc", "Holdout AUC", "AUC", false),
            new Metric("holdoutRmse", "Holdout RMSE", "RMSE", false),
            new Metric("holdoutMae", "Holdout MAE", "MAE", false));

    private record Metric(String column, String title, String yLabel, boolean core) {}

    private RunReader() {}

    static ReportData read(Path runDir) throws IOException {
        if (!Files.isDirectory(runDir)) {
            throw new ReportException("run folder '" + runDir + "' does not exist");
        }
        JsonNode summary = readSummary(runDir.resolve(RunFolder.SUMMARY), runDir)
                .orElseThrow(() -> new ReportException("run folder '" + runDir + "' has no summary.json"));
        List<Path> tasks = taskDirs(runDir);
        boolean hasMetrics = tasks.isEmpty()
                ? Files.isRegularFile(runDir.resolve(METRICS))
                : tasks.stream().anyMatch(t -> Files.isRegularFile(t.resolve(METRICS)));
        if (!hasMetrics) {
            throw new ReportException("run folder '" + runDir + "' has no metrics.csv"
                    + (tasks.isEmpty() ? "" : " (nor tasks/<name>/metrics.csv)"));
        }

        List<Section> sections = new ArrayList<>();
        if (tasks.isEmpty()) {
            sections.add(modelSection(runDir, "model", "Global model", List.of(), false));
        } else {
            for (int i = 0; i < tasks.size(); i++) {
                Path task = tasks.get(i);
                String name = task.getFileName().toString();
                JsonNode taskSummary = readSummary(task.resolve(RunFolder.SUMMARY), task)
                        .orElseGet(() -> taskNode(summary, name));
                sections.add(modelSection(task, "task" + i, "Task " + name, qualityStats(taskSummary), true));
            }
        }
        sections.add(throughputSection(runDir));
        boolean tasksHaveSources = tasks.stream().anyMatch(t -> Files.isRegularFile(t.resolve(RunFolder.SOURCES)));
        if (Files.isRegularFile(runDir.resolve(RunFolder.SOURCES)) || !tasksHaveSources) {
            sections.add(sourcesSection(runDir.resolve(RunFolder.SOURCES), "sources", "Data sources"));
        }

        return new ReportData(
                text(summary, "job", "unknown"),
                text(summary, "status", "unknown"),
                text(summary, "mode", "unknown"),
                summary.hasNonNull("failure") ? summary.get("failure").asText() : null,
                headline(summary),
                sections);
    }

    // ---- summary.json ----

    private static Optional<JsonNode> readSummary(Path file, Path dir) throws IOException {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            JsonNode node = JSON.readTree(file.toFile());
            if (node == null || !node.isObject()) {
                throw new ReportException("summary.json in '" + dir + "' is not a json object");
            }
            return Optional.of(node);
        } catch (JsonProcessingException e) {
            throw new ReportException("summary.json in '" + dir + "' is not valid json: "
                    + e.getOriginalMessage().lines().findFirst().orElse(""), e);
        }
    }

    private static List<Path> taskDirs(Path runDir) throws IOException {
        Path tasks = runDir.resolve("tasks");
        if (!Files.isDirectory(tasks)) {
            return List.of();
        }
        try (Stream<Path> dirs = Files.list(tasks)) {
            return dirs.filter(Files::isDirectory).sorted(Comparator.comparing(p -> p.getFileName().toString()))
                    .toList();
        }
    }

    /** A task's entry in the run's summary: {@code tasks.<name>} or {@code tasks[i]} with that name. */
    private static JsonNode taskNode(JsonNode summary, String name) {
        JsonNode tasks = summary.path("tasks");
        if (tasks.isObject()) {
            return tasks.path(name);
        }
        for (JsonNode t : tasks) {
            if (name.equals(t.path("name").asText(null)) || name.equals(t.path("task").asText(null))) {
                return t;
            }
        }
        return JSON.missingNode();
    }

    private static List<Stat> headline(JsonNode s) {
        List<Stat> stats = new ArrayList<>(qualityStats(s));
        JsonNode examples = s.get("examples");
        if (isNumber(examples)) {
            stats.add(new Stat("examples", count(examples.asLong())));
            JsonNode invalid = s.get("invalid");
            if (isNumber(invalid)) {
                long total = examples.asLong();
                stats.add(new Stat("invalid", count(invalid.asLong()) + (total > 0
                        ? String.format(Locale.ROOT, " (%.2f%%)", 100.0 * invalid.asLong() / total) : "")));
            }
        }
        if (isNumber(s.get("sources"))) {
            stats.add(new Stat("sources", count(s.get("sources").asLong())));
        }
        if (isNumber(s.get("globalVersion"))) {
            stats.add(new Stat("global version", count(s.get("globalVersion").asLong())
                    + (isNumber(s.get("rounds")) ? " (" + count(s.get("rounds").asLong()) + " rounds)" : "")));
        }
        if (isNumber(s.get("wallSeconds"))) {
            stats.add(new Stat("wall time", duration(s.get("wallSeconds").asDouble())));
        }
        if (isNumber(s.get("examplesPerSecond"))) {
            stats.add(new Stat("examples/s", String.format(Locale.ROOT, "%,.0f", s.get("examplesPerSecond").asDouble())));
        }
        return stats;
    }

    /**
     * Final quality metrics, each "federated (centralized c, local l)" with the figure of every baseline
     * that has it; then each named holdout's accuracy (RMSE for regression) and the time to 95 % and
     * 99 % of the final holdout accuracy, with the baselines' beside them alike.
     */
    private static List<Stat> qualityStats(JsonNode s) {
        JsonNode metrics = s.path("metrics");
        List<Map.Entry<String, JsonNode>> baselines = baselines(s);
        List<Stat> stats = new ArrayList<>();
        List<Metric> metricList = new ArrayList<>(HOLDOUT);
        metricList.add(new Metric("prequentialAccuracy", "Prequential accuracy", "accuracy", false));
        for (Metric m : metricList) {
            JsonNode fed = metrics.get(m.column());
            if (isNumber(fed)) {
                stats.add(new Stat(lowerFirst(m.title()),
                        decimal(fed.asDouble()) + besides(baselines, b -> decimalOrNull(b.get(m.column())))));
            }
        }
        // the local baseline's figures are means over the sources' own models: how far apart they are
        for (Map.Entry<String, JsonNode> b : baselines) {
            JsonNode worst = b.getValue().get("minHoldoutAccuracy");
            if (isNumber(worst)) {
                stats.add(new Stat(b.getKey() + " baseline over " + b.getValue().path("sources").asLong()
                        + " sources: worst source, worst 10 %", decimal(worst.asDouble()) + ", "
                        + decimalOrNull(b.getValue().get("worstDecileHoldoutAccuracy"))));
            }
        }
        metrics.path("holdouts").fields().forEachRemaining(h -> {
            for (String figure : List.of("accuracy", "rmse")) {
                JsonNode fed = h.getValue().get(figure);
                if (isNumber(fed)) {
                    stats.add(new Stat("holdout '" + h.getKey() + "' " + (figure.equals("rmse") ? "RMSE" : figure),
                            decimal(fed.asDouble()) + besides(baselines,
                                    b -> decimalOrNull(b.path("holdouts").path(h.getKey()).get(figure)))));
                    break;
                }
            }
        });
        // regression and runs without a holdout reach no share: no lines then
        boolean timed = reachedAny(s.path("timeToAccuracy"))
                || baselines.stream().anyMatch(b -> reachedAny(b.getValue().path("timeToAccuracy")));
        s.path("timeToAccuracy").fields().forEachRemaining(share -> {
            if (timed) {
                stats.add(new Stat("time to " + share.getKey() + "% of final accuracy",
                        reached(share.getValue()) + besides(baselines,
                                b -> reached(b.path("timeToAccuracy").path(share.getKey())))));
            }
        });
        return stats;
    }

    private static boolean reachedAny(JsonNode timeToAccuracy) {
        for (JsonNode share : timeToAccuracy) {
            if (share.isObject()) {
                return true;
            }
        }
        return false;
    }

    /**
     * The baselines of a summary (or a task's part of it), in order: every entry of {@code baselines}
     * by its kind, or, in the summary of an older run, its one {@code baseline}.
     */
    private static List<Map.Entry<String, JsonNode>> baselines(JsonNode s) {
        List<Map.Entry<String, JsonNode>> list = new ArrayList<>();
        if (s.path("baselines").isObject()) {
            s.path("baselines").fields().forEachRemaining(list::add);
        } else if (s.path("baseline").isObject()) {
            list.add(Map.entry("baseline", s.path("baseline")));
        }
        return list;
    }

    /** " (centralized 0.9195, local 0.8712)": each baseline's value where it has one; empty when none has. */
    private static String besides(List<Map.Entry<String, JsonNode>> baselines,
            java.util.function.Function<JsonNode, String> value) {
        List<String> parts = new ArrayList<>();
        for (Map.Entry<String, JsonNode> b : baselines) {
            String v = value.apply(b.getValue());
            if (v != null) {
                parts.add(b.getKey() + " " + v);
            }
        }
        return parts.isEmpty() ? "" : " (" + String.join(", ", parts) + ")";
    }

    private static String decimalOrNull(JsonNode n) {
        return isNumber(n) ? decimal(n.asDouble()) : null;
    }

    /** "12,000 examples, 3.1 s" of a time-to-accuracy entry; "not reached" for null; null when absent. */
    private static String reached(JsonNode r) {
        if (r == null || r.isMissingNode()) {
            return null;
        }
        if (!r.isObject()) {
            return "not reached";
        }
        return count(r.path("examples").asLong()) + " examples"
                + (isNumber(r.get("seconds")) ? ", " + duration(r.get("seconds").asDouble()) : "");
    }

    // ---- one model (the run's, or a task's) ----

    /**
     * The charts of one model: the run's ({@code dir} is the run folder) or a task's ({@code dir} is
     * {@code tasks/<name>}, whose own sources.csv, if any, joins the section: {@code taskSources}).
     */
    private static Section modelSection(Path dir, String id, String title, List<Stat> stats, boolean taskSources)
            throws IOException {
        List<String> notes = new ArrayList<>();
        String prefix = taskSources ? "tasks/" + dir.getFileName() + "/" : "";
        Optional<CsvTable> fedFile = readCsv(dir.resolve(METRICS), prefix + METRICS, "all charts omitted", notes);
        if (fedFile.isEmpty()) {
            return new Section(id, title, stats, List.of(), notes, null);
        }
        CsvTable fed = fedFile.get();
        Optional<CsvTable> base =
                readCsv(dir.resolve(BASELINE_METRICS), BASELINE_METRICS, "baseline series omitted", notes);
        List<Double> fedX = versions(fed, METRICS, notes);
        List<Double> baseX = base.map(b -> versions(b, BASELINE_METRICS, notes)).orElse(List.of());
        List<Double> x = union(fedX, baseX);
        noteUnparsable(fed, METRICS, notes);
        base.ifPresent(b -> noteUnparsable(b, BASELINE_METRICS, notes));

        List<Chart> charts = new ArrayList<>();
        List<String> unrecorded = new ArrayList<>();
        for (Metric m : HOLDOUT) {
            String what = lowerFirst(m.title()) + " chart omitted: ";
            Optional<List<Double>> fy = fed.numbers(m.column());
            if (fy.isEmpty()) {
                if (m.core()) {
                    notes.add(what + METRICS + " has no " + m.column() + " column");
                } else {
                    unrecorded.add(m.column());
                }
                continue;
            }
            if (fy.get().stream().allMatch(v -> v == null)) {
                notes.add(what + "no version in " + METRICS + " has a " + m.column() + " value");
                continue;
            }
            holdoutChart(id + "-" + m.column(), m, fy.get(), base, x, fedX, baseX, notes)
                    .ifPresent(charts::add);
        }
        if (!unrecorded.isEmpty()) {
            notes.add("not in " + METRICS + ", charts omitted: " + String.join(", ", unrecorded));
        }
        // each named holdout: the charts of the figures it has values for, with the baseline's beside them
        List<String> names = HoldoutColumns.names(fed.header());
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            List<String> empty = new ArrayList<>();
            for (Metric m : HOLDOUT) {
                String figure = HoldoutColumns.figureOf(m.column());
                String column = HoldoutColumns.column(name, figure);
                List<Double> fy = fed.numbers(column).orElse(List.of());
                if (fy.stream().allMatch(v -> v == null)) {
                    empty.add(figure);
                    continue;
                }
                Metric named = new Metric(column, "Holdout '" + name + "' " + m.yLabel(), m.yLabel(), m.core());
                holdoutChart(id + "-holdouts-" + i + "-" + figure, named, fy, base, x, fedX, baseX, notes)
                        .ifPresent(charts::add);
            }
            if (!empty.isEmpty()) {
                notes.add("holdout '" + name + "': no values in " + METRICS + ", charts omitted: "
                        + String.join(", ", empty));
            }
        }

        // prequential accuracy: windowed (recent examples) and cumulative (since the start); the
        // cumulative line is dashed only when a windowed one is drawn next to it
        List<Series> preq = new ArrayList<>();
        List<String> preqNotes = new ArrayList<>();
        boolean fedWindow = addSeries(preq, preqNotes, fed, METRICS, "windowPrequentialAccuracy", "federated, window",
                x, fedX, Series.FEDERATED, false);
        addSeries(preq, preqNotes, fed, METRICS, "prequentialAccuracy", "federated, cumulative", x, fedX,
                Series.FEDERATED, fedWindow);
        base.ifPresent(b -> {
            boolean baseWindow = addSeries(preq, preqNotes, b, BASELINE_METRICS, "windowPrequentialAccuracy",
                    "baseline, window", x, baseX, Series.BASELINE, false);
            addSeries(preq, preqNotes, b, BASELINE_METRICS, "prequentialAccuracy", "baseline, cumulative", x, baseX,
                    Series.BASELINE, baseWindow);
        });
        if (preq.isEmpty()) {
            notes.add("prequential accuracy chart omitted: " + METRICS
                    + " has no windowPrequentialAccuracy or prequentialAccuracy values");
        } else {
            notes.addAll(preqNotes);
            List<ReportData.Marker> drifts = globalDrifts(fed, fedX);
            lineChart(id + "-prequential", "Prequential accuracy per global version", "global version", "accuracy",
                    x, preq, notes).map(c -> c.withMarkers(drifts)).ifPresent(charts::add);
            if (!drifts.isEmpty()) {
                notes.add("prequential accuracy: the vertical lines mark the " + count(drifts.size())
                        + " global version(s) at which the server detected concept drift");
            }
        }

        // round participation (federated only: the centralized baseline has no rounds)
        List<Series> rounds = new ArrayList<>();
        List<String> roundNotes = new ArrayList<>();
        addSeries(rounds, roundNotes, fed, METRICS, "roundUpdates", "updates in the round", x, fedX,
                Series.FEDERATED, false);
        addSeries(rounds, roundNotes, fed, METRICS, "roundSources", "sources in the round", x, fedX,
                Series.ACCENT, false);
        if (rounds.isEmpty()) {
            notes.add("round participation chart omitted: " + METRICS + " has no roundUpdates or roundSources values");
        } else {
            notes.addAll(roundNotes);
            lineChart(id + "-participation", "Round participation per global version", "global version", "count",
                    x, rounds, notes).ifPresent(charts::add);
        }

        Table table = null;
        if (taskSources && Files.isRegularFile(dir.resolve(RunFolder.SOURCES))) {
            Section sources = sourcesSection(dir.resolve(RunFolder.SOURCES), id + "-sources", "");
            charts.addAll(sources.charts());
            notes.addAll(sources.notes());
            table = sources.table();
            stats = new ArrayList<>(stats);
            stats.addAll(sources.stats());
        }
        return new Section(id, title, stats, charts, notes, table);
    }

    /**
     * The global versions at which the server's count of concept drifts ({@code globalDrifts}, absent
     * in runs from before it was recorded) went up, one marker each, labelled with the count.
     */
    static List<ReportData.Marker> globalDrifts(CsvTable fed, List<Double> fedX) {
        List<Double> counts = fed.numbers("globalDrifts").orElse(List.of());
        List<ReportData.Marker> markers = new ArrayList<>();
        double before = 0;
        for (int i = 0; i < Math.min(counts.size(), fedX.size()); i++) {
            Double count = counts.get(i);
            if (count == null || fedX.get(i) == null) {
                continue;
            }
            if (count > before) {
                markers.add(new ReportData.Marker(fedX.get(i), count > before + 1
                        ? "global drifts " + count(Math.round(before) + 1) + " to " + count(Math.round(count))
                        : "global drift " + count(Math.round(count))));
            }
            before = Math.max(before, count);
        }
        return markers;
    }

    /**
     * The chart of the holdout figure in column {@code m.column()} per global version: the federated
     * series and, when there is one, the baseline's.
     */
    private static Optional<Chart> holdoutChart(String chartId, Metric m, List<Double> fedY, Optional<CsvTable> base,
            List<Double> x, List<Double> fedX, List<Double> baseX, List<String> notes) {
        String column = m.column();
        List<Series> series = new ArrayList<>();
        series.add(new Series("federated", align(x, fedX, fedY), Series.FEDERATED, false));
        base.ifPresent(b -> {
            Optional<List<Double>> by = b.numbers(column);
            if (by.isPresent()) {
                series.add(new Series("baseline", align(x, baseX, by.get()), Series.BASELINE, false));
            } else {
                notes.add(lowerFirst(m.title()) + ": baseline series omitted: "
                        + BASELINE_METRICS + " has no " + column + " column");
            }
        });
        return lineChart(chartId, m.title() + " per global version", "global version", m.yLabel(), x, series, notes);
    }

    /**
     * Reads an optional CSV file; when it is absent or not readable as CSV (e.g. cut off inside a
     * quoted cell), notes "{@code consequence}: no {@code name}" or why it could not be read.
     */
    private static Optional<CsvTable> readCsv(Path file, String name, String consequence, List<String> notes)
            throws IOException {
        try {
            Optional<CsvTable> table = CsvTable.readIfExists(file);
            if (table.isEmpty()) {
                notes.add(consequence + ": no " + name);
            }
            return table;
        } catch (JsonProcessingException e) {
            notes.add(consequence + ": " + name + " is not readable as csv ("
                    + e.getOriginalMessage().lines().findFirst().orElse("") + ", line "
                    + (e.getLocation() == null ? "?" : e.getLocation().getLineNr()) + ")");
            return Optional.empty();
        }
    }

    /** Notes cells that are neither blank nor numbers (they are drawn as "no value"). */
    private static void noteUnparsable(CsvTable table, String file, List<String> notes) {
        int bad = table.header().stream().mapToInt(table::unparsable).sum();
        if (bad > 0) {
            notes.add(file + ": " + count(bad) + " cell(s) that are not numbers shown as no value");
        }
    }

    /** The {@code version} column, or row numbers (with a note) when a file has none. */
    private static List<Double> versions(CsvTable table, String file, List<String> notes) {
        return table.numbers("version").orElseGet(() -> {
            notes.add(file + " has no version column: rows are numbered instead");
            List<Double> rows = new ArrayList<>(table.size());
            for (int i = 1; i <= table.size(); i++) {
                rows.add((double) i);
            }
            return rows;
        });
    }

    /** Adds a series for {@code column} if the table has values for it, else notes why not. */
    private static boolean addSeries(List<Series> to, List<String> notes, CsvTable table, String file, String column,
            String label, List<Double> x, List<Double> tableX, String tone, boolean dashed) {
        Optional<List<Double>> y = table.numbers(column);
        if (y.isEmpty()) {
            notes.add("series '" + label + "' omitted: " + file + " has no " + column + " column");
            return false;
        }
        if (y.get().stream().allMatch(v -> v == null)) {
            notes.add("series '" + label + "' omitted: " + file + " has no " + column + " values");
            return false;
        }
        to.add(new Series(label, align(x, tableX, y.get()), tone, dashed));
        return true;
    }

    /** The sorted union of two x columns (nulls dropped). */
    static List<Double> union(List<Double> a, List<Double> b) {
        TreeSet<Double> all = new TreeSet<>();
        a.stream().filter(v -> v != null).forEach(all::add);
        b.stream().filter(v -> v != null).forEach(all::add);
        return List.copyOf(all);
    }

    /** {@code y} (given at {@code yx}) at each of {@code x}; null where it has no value. */
    static List<Double> align(List<Double> x, List<Double> yx, List<Double> y) {
        Map<Double, Double> byX = new HashMap<>();
        for (int i = 0; i < yx.size(); i++) {
            if (yx.get(i) != null && y.get(i) != null) {
                byX.put(yx.get(i), y.get(i));
            }
        }
        List<Double> out = new ArrayList<>(x.size());
        for (Double v : x) {
            out.add(byX.get(v));
        }
        return out;
    }

    /**
     * A line chart of the rows where some series has a value (sparse holdout scores become a short
     * series, the lines span the gaps), thinned to every k-th row above {@link #MAX_POINTS}.
     */
    static Optional<Chart> lineChart(String id, String title, String xLabel, String yLabel, List<Double> x,
            List<Series> series, List<String> notes) {
        List<Integer> keep = new ArrayList<>();
        for (int i = 0; i < x.size(); i++) {
            final int row = i;
            if (series.stream().anyMatch(s -> s.y().get(row) != null)) {
                keep.add(i);
            }
        }
        if (keep.isEmpty()) {
            notes.add(lowerFirst(title) + " omitted: no values");
            return Optional.empty();
        }
        if (keep.size() > MAX_POINTS) {
            int stride = (keep.size() + MAX_POINTS - 1) / MAX_POINTS;
            List<Integer> thinned = new ArrayList<>();
            for (int i = 0; i < keep.size(); i++) {
                if (i % stride == 0 || i == keep.size() - 1) {
                    thinned.add(keep.get(i));
                }
            }
            notes.add(lowerFirst(title) + ": 1 in " + stride + " of its " + count(keep.size())
                    + " points shown");
            keep = thinned;
        }
        List<Integer> rows = keep;
        List<Double> kx = pick(x, rows);
        List<Series> ks = series.stream()
                .map(s -> new Series(s.label(), pick(s.y(), rows), s.tone(), s.dashed()))
                .toList();
        return Optional.of(new Chart(id, Chart.LINE, title, xLabel, yLabel, kx, null, ks));
    }

    private static List<Double> pick(List<Double> values, List<Integer> rows) {
        List<Double> out = new ArrayList<>(rows.size());
        for (int r : rows) {
            out.add(values.get(r));
        }
        return out;
    }

    // ---- run-wide: throughput ----

    private static Section throughputSection(Path runDir) throws IOException {
        List<String> notes = new ArrayList<>();
        List<Chart> charts = new ArrayList<>();
        List<Stat> stats = new ArrayList<>();
        Optional<CsvTable> file = readCsv(runDir.resolve("throughput.csv"), "throughput.csv",
                "examples/s chart omitted", notes);
        if (file.isPresent()) {
            Optional<Throughput> t = throughput(file.get(), notes);
            t.ifPresent(tp -> {
                stats.add(new Stat("mean examples/s", String.format(Locale.ROOT, "%,.0f", tp.mean())));
                stats.add(new Stat("peak examples/s", String.format(Locale.ROOT, "%,.0f", tp.peak())));
                lineChart("run-throughput", "Examples read per second", "elapsed seconds", "examples/s",
                        tp.seconds(), List.of(new Series("examples/s", tp.rates(), Series.NEUTRAL, false)), notes)
                        .ifPresent(charts::add);
            });
        }
        return new Section("run", "Throughput", stats, charts, notes, null);
    }

    /** Examples/s per sampling interval, at the interval's end; mean over the whole span; peak. */
    record Throughput(List<Double> seconds, List<Double> rates, double mean, double peak) {}

    /**
     * Rates from the deltas of consecutive {@code (elapsedMillis, examplesRead)} samples, ordered by
     * time. Intervals of zero length are skipped; a decreasing count (a restore) gives no rate there.
     */
    static Optional<Throughput> throughput(CsvTable table, List<String> notes) {
        Optional<List<Double>> elapsed = table.numbers("elapsedMillis");
        Optional<List<Double>> read = table.numbers("examplesRead");
        if (elapsed.isEmpty() || read.isEmpty()) {
            notes.add("examples/s chart omitted: throughput.csv has no "
                    + (elapsed.isEmpty() ? "elapsedMillis" : "examplesRead") + " column");
            return Optional.empty();
        }
        List<double[]> samples = new ArrayList<>();
        for (int i = 0; i < table.size(); i++) {
            Double t = elapsed.get().get(i);
            Double n = read.get().get(i);
            if (t != null && n != null) {
                samples.add(new double[] {t, n});
            }
        }
        samples.sort(Comparator.comparingDouble(s -> s[0]));
        List<Double> seconds = new ArrayList<>();
        List<Double> rates = new ArrayList<>();
        double peak = 0;
        for (int i = 1; i < samples.size(); i++) {
            double dt = (samples.get(i)[0] - samples.get(i - 1)[0]) / 1000.0;
            if (dt <= 0) {
                continue;
            }
            double dn = samples.get(i)[1] - samples.get(i - 1)[1];
            seconds.add(samples.get(i)[0] / 1000.0);
            rates.add(dn >= 0 ? dn / dt : null);
            peak = Math.max(peak, dn >= 0 ? dn / dt : 0);
        }
        if (seconds.isEmpty()) {
            notes.add("examples/s chart omitted: throughput.csv has fewer than two samples at different times");
            return Optional.empty();
        }
        double[] first = samples.get(0);
        double[] last = samples.get(samples.size() - 1);
        double mean = (last[1] - first[1]) / ((last[0] - first[0]) / 1000.0);
        return Optional.of(new Throughput(List.copyOf(seconds), Collections.unmodifiableList(rates),
                mean, peak));
    }

    // ---- per-source accuracy ----

    /** Summary numbers of the per-source prequential accuracies. */
    record SourceStats(int count, double mean, double median, int worstCount, double worstMean) {}

    static SourceStats sourceStats(List<Double> accuracies) {
        List<Double> sorted = accuracies.stream().filter(v -> v != null).sorted().toList();
        int n = sorted.size();
        if (n == 0) {
            throw new IllegalArgumentException("no accuracies");
        }
        int worst = Math.max(1, (int) Math.ceil(n * WORST_SHARE));
        double mean = sorted.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        double median = n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
        double worstMean = sorted.subList(0, worst).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        return new SourceStats(n, mean, median, worst, worstMean);
    }

    /** Histogram bins over {@code [min, max]}. */
    record Histogram(List<Double> centers, List<Double> counts, double lo, double hi) {}

    /**
     * Equal-width bins from the smallest to the largest value; the bin count follows the Rice rule
     * ({@code 2·n^(1/3)}), between 5 and 40. A single distinct value gets a bin of width 0.01.
     */
    static Histogram histogram(List<Double> values) {
        List<Double> v = values.stream().filter(x -> x != null).toList();
        double lo = v.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
        double hi = v.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
        if (hi - lo < 1e-9) {
            lo -= 0.005;
            hi += 0.005;
        }
        int bins = Math.max(5, Math.min(40, (int) Math.ceil(2 * Math.cbrt(v.size()))));
        double width = (hi - lo) / bins;
        double[] counts = new double[bins];
        for (double x : v) {
            counts[Math.min(bins - 1, (int) Math.floor((x - lo) / width))]++;
        }
        List<Double> centers = new ArrayList<>(bins);
        List<Double> c = new ArrayList<>(bins);
        for (int i = 0; i < bins; i++) {
            centers.add(lo + (i + 0.5) * width);
            c.add(counts[i]);
        }
        return new Histogram(centers, c, lo, hi);
    }

    private static Section sourcesSection(Path file, String id, String title) throws IOException {
        List<String> notes = new ArrayList<>();
        Optional<CsvTable> read = readCsv(file, RunFolder.SOURCES, "per-source accuracy histogram omitted", notes);
        if (read.isEmpty()) {
            return new Section(id, title, List.of(), List.of(), notes, null);
        }
        CsvTable table = read.get();
        Optional<List<Double>> acc = table.numbers("prequentialAccuracy");
        if (acc.isEmpty() || acc.get().stream().allMatch(v -> v == null)) {
            notes.add("per-source accuracy histogram omitted: sources.csv has no prequentialAccuracy "
                    + (acc.isEmpty() ? "column" : "values"));
            return new Section(id, title, List.of(), List.of(), notes, null);
        }
        long missing = acc.get().stream().filter(v -> v == null).count();
        if (missing > 0) {
            notes.add(count(missing) + " source(s) without a prequential accuracy left out");
        }
        SourceStats s = sourceStats(acc.get());
        Histogram h = histogram(acc.get());
        List<Stat> stats = List.of(
                new Stat("sources with accuracy", count(s.count())),
                new Stat("mean source accuracy", decimal(s.mean())),
                new Stat("median source accuracy", decimal(s.median())),
                new Stat("worst 10% mean", decimal(s.worstMean()) + " (" + s.worstCount() + " of " + s.count()
                        + " sources)"));
        Chart chart = new Chart(id + "-histogram", Chart.BARS,
                "Per-source prequential accuracy (worst 10% mean " + decimal(s.worstMean()) + ", "
                        + s.worstCount() + " of " + s.count() + " sources)",
                "prequential accuracy", "sources", h.centers(), List.of(h.lo(), h.hi()),
                List.of(new Series("sources", h.counts(), Series.FEDERATED, false)));

        // the worst sources, with every column the file has
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < table.size(); i++) {
            if (acc.get().get(i) != null) {
                order.add(i);
            }
        }
        order.sort(Comparator.comparingDouble(i -> acc.get().get(i)));
        List<List<String>> rows = order.subList(0, Math.min(WORST_ROWS, order.size())).stream()
                .map(i -> table.rows().get(i))
                .toList();
        Table worst = new Table("Lowest prequential accuracy (" + rows.size() + " of " + s.count() + " sources)",
                table.header(), rows);
        return new Section(id, title, stats, List.of(chart), notes, worst);
    }

    // ---- formatting ----

    private static String lowerFirst(String title) {
        return Character.toLowerCase(title.charAt(0)) + title.substring(1);
    }

    private static boolean isNumber(JsonNode n) {
        return n != null && n.isNumber() && Double.isFinite(n.asDouble());
    }

    private static String text(JsonNode node, String field, String fallback) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() || v.asText().isBlank() ? fallback : v.asText();
    }

    static String decimal(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }

    static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /** "2.5 s", "3 min 07 s", "1 h 02 min". */
    static String duration(double seconds) {
        if (seconds < 60) {
            return String.format(Locale.ROOT, "%.1f s", seconds);
        }
        long s = Math.round(seconds);
        if (s < 3600) {
            return String.format(Locale.ROOT, "%d min %02d s", s / 60, s % 60);
        }
        return String.format(Locale.ROOT, "%d h %02d min", s / 3600, (s % 3600) / 60);
    }
}
