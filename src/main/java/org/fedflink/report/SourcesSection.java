package org.fedflink.report;

import static org.fedflink.report.Format.count;
import static org.fedflink.report.Format.decimal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.fedflink.artifact.RunFolder;
import org.fedflink.report.ReportData.Chart;
import org.fedflink.report.ReportData.Section;
import org.fedflink.report.ReportData.Series;
import org.fedflink.report.ReportData.Stat;
import org.fedflink.report.ReportData.Table;

/**
 * The per-source accuracy of a {@code sources.csv} (the run's, or a task's): a histogram of the
 * sources' prequential accuracies, their mean, median and worst-10 % mean, and a table of the worst
 * sources with every column the file has.
 */
final class SourcesSection {

    /** The share of sources whose mean accuracy the report states ("the worst 10%"). */
    static final double WORST_SHARE = 0.10;

    /** Rows of the worst-sources table. */
    static final int WORST_ROWS = 10;

    private SourcesSection() {}

    static Section read(Path file, String id, String title) throws IOException {
        List<String> notes = new ArrayList<>();
        Optional<CsvTable> read = RunFiles.readCsv(file, RunFolder.SOURCES,
                "per-source accuracy histogram omitted", notes);
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
}
