package org.fedflink.report;

import static org.fedflink.report.Format.count;
import static org.fedflink.report.Format.lowerFirst;
import static org.fedflink.report.LineCharts.addSeries;
import static org.fedflink.report.LineCharts.align;
import static org.fedflink.report.LineCharts.lineChart;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.fedflink.artifact.RunFolder;
import org.fedflink.eval.HoldoutColumns;
import org.fedflink.report.ReportData.Chart;
import org.fedflink.report.ReportData.Section;
import org.fedflink.report.ReportData.Series;
import org.fedflink.report.ReportData.Stat;
import org.fedflink.report.ReportData.Table;

/**
 * The section of one model, the run's or a task's: from its {@code metrics.csv} and its baseline's
 * {@code baseline/metrics.csv}, the holdout charts (primary and named holdouts, federated and
 * baseline on one axis), prequential accuracy with the server's concept drifts marked, and round
 * participation; for a task, its own {@code sources.csv} joins the section.
 */
final class ModelSection {

    private static final String METRICS = RunFolder.METRICS;
    private static final String BASELINE_METRICS = "baseline/metrics.csv";

    private ModelSection() {}

    /** Whether {@code dir} (the run folder, or a task's) has the metrics.csv this section is built on. */
    static boolean hasMetrics(Path dir) {
        return Files.isRegularFile(dir.resolve(METRICS));
    }

    /**
     * The charts of one model: the run's ({@code dir} is the run folder) or a task's ({@code dir} is
     * {@code tasks/<name>}, whose own sources.csv, if any, joins the section: {@code taskSources}).
     */
    static Section read(Path dir, String id, String title, List<Stat> stats, boolean taskSources)
            throws IOException {
        List<String> notes = new ArrayList<>();
        String prefix = taskSources ? "tasks/" + dir.getFileName() + "/" : "";
        Optional<CsvTable> fedFile =
                RunFiles.readCsv(dir.resolve(METRICS), prefix + METRICS, "all charts omitted", notes);
        if (fedFile.isEmpty()) {
            return new Section(id, title, stats, List.of(), notes, null);
        }
        CsvTable fed = fedFile.get();
        Optional<CsvTable> base =
                RunFiles.readCsv(dir.resolve(BASELINE_METRICS), BASELINE_METRICS, "baseline series omitted", notes);
        List<Double> fedX = versions(fed, METRICS, notes);
        List<Double> baseX = base.map(b -> versions(b, BASELINE_METRICS, notes)).orElse(List.of());
        List<Double> x = LineCharts.union(fedX, baseX);
        noteUnparsable(fed, METRICS, notes);
        base.ifPresent(b -> noteUnparsable(b, BASELINE_METRICS, notes));

        List<Chart> charts = new ArrayList<>();
        List<String> unrecorded = new ArrayList<>();
        for (HoldoutMetric m : HoldoutMetric.ALL) {
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
            for (HoldoutMetric m : HoldoutMetric.ALL) {
                String figure = HoldoutColumns.figureOf(m.column());
                String column = HoldoutColumns.column(name, figure);
                List<Double> fy = fed.numbers(column).orElse(List.of());
                if (fy.stream().allMatch(v -> v == null)) {
                    empty.add(figure);
                    continue;
                }
                HoldoutMetric named =
                        new HoldoutMetric(column, "Holdout '" + name + "' " + m.yLabel(), m.yLabel(), m.core());
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
            Section sources = SourcesSection.read(dir.resolve(RunFolder.SOURCES), id + "-sources", "");
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
    private static Optional<Chart> holdoutChart(String chartId, HoldoutMetric m, List<Double> fedY,
            Optional<CsvTable> base, List<Double> x, List<Double> fedX, List<Double> baseX, List<String> notes) {
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
}
