package org.fedflink.report;

import static org.fedflink.report.Format.count;
import static org.fedflink.report.Format.lowerFirst;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.fedflink.report.ReportData.Chart;
import org.fedflink.report.ReportData.Series;

/**
 * Builds line charts from CSV columns for the section readers: puts series read at different x
 * (the federated model's versions and the baseline's) on one shared x axis, and keeps a chart small
 * enough for the page by thinning long runs. Each step that leaves something out adds a note.
 */
final class LineCharts {

    /** Points per chart above which a series is thinned (every k-th point kept). */
    static final int MAX_POINTS = 5000;

    private LineCharts() {}

    /** Adds a series for {@code column} if the table has values for it, else notes why not. */
    static boolean addSeries(List<Series> to, List<String> notes, CsvTable table, String file, String column,
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
}
