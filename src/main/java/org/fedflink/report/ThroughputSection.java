package org.fedflink.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.fedflink.report.ReportData.Chart;
import org.fedflink.report.ReportData.Section;
import org.fedflink.report.ReportData.Series;
import org.fedflink.report.ReportData.Stat;

/**
 * The run-wide "Throughput" section: examples read per second over the run, from the
 * {@code elapsedMillis,examplesRead} samples of {@code throughput.csv}, with its mean and peak.
 */
final class ThroughputSection {

    private ThroughputSection() {}

    static Section read(Path runDir) throws IOException {
        List<String> notes = new ArrayList<>();
        List<Chart> charts = new ArrayList<>();
        List<Stat> stats = new ArrayList<>();
        Optional<CsvTable> file = RunFiles.readCsv(runDir.resolve("throughput.csv"), "throughput.csv",
                "examples/s chart omitted", notes);
        if (file.isPresent()) {
            Optional<Throughput> t = throughput(file.get(), notes);
            t.ifPresent(tp -> {
                stats.add(new Stat("mean examples/s", String.format(Locale.ROOT, "%,.0f", tp.mean())));
                stats.add(new Stat("peak examples/s", String.format(Locale.ROOT, "%,.0f", tp.peak())));
                LineCharts.lineChart("run-throughput", "Examples read per second", "elapsed seconds", "examples/s",
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
}
