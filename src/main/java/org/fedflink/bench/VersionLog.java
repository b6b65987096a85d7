package org.fedflink.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The published global versions of a run, from its {@code metrics.csv} (one row per version):
 * when each was created and how many updates and examples it folded in.
 *
 * @param createdMillis creation time of each version (the aggregator's clock), made non-decreasing
 * @param roundUpdates updates folded into each version
 * @param samplesInModel examples in the model as of each version
 */
record VersionLog(long[] createdMillis, long[] roundUpdates, long[] samplesInModel) {

    static VersionLog read(Path metricsCsv) throws IOException {
        return parse(Files.exists(metricsCsv) ? Files.readAllLines(metricsCsv) : List.of());
    }

    /** Parses the lines of a {@code metrics.csv} (header first); columns are found by name. */
    static VersionLog parse(List<String> lines) {
        if (lines.isEmpty()) {
            return new VersionLog(new long[0], new long[0], new long[0]);
        }
        List<String> header = Arrays.asList(lines.get(0).split(",", -1));
        int created = column(header, "createdMillis");
        int updates = column(header, "roundUpdates");
        int samples = column(header, "samplesInModel");
        int n = lines.size() - 1;
        long[] c = new long[n];
        long[] u = new long[n];
        long[] s = new long[n];
        int rows = 0;
        for (String line : lines.subList(1, lines.size())) {
            if (line.isBlank()) {
                continue;
            }
            String[] cells = line.split(",", -1);
            c[rows] = Math.max(rows == 0 ? Long.MIN_VALUE : c[rows - 1], Long.parseLong(cells[created]));
            u[rows] = Long.parseLong(cells[updates]);
            s[rows] = Long.parseLong(cells[samples]);
            rows++;
        }
        return new VersionLog(Arrays.copyOf(c, rows), Arrays.copyOf(u, rows), Arrays.copyOf(s, rows));
    }

    private static int column(List<String> header, String name) {
        int i = header.indexOf(name);
        if (i < 0) {
            throw new IllegalArgumentException("metrics.csv has no column " + name + ": " + header);
        }
        return i;
    }

    int versions() {
        return createdMillis.length;
    }

    /** The updates folded in so far, at each version's creation. */
    UpdateLatency.Curve folded() {
        double[] times = new double[createdMillis.length];
        long[] counts = new long[createdMillis.length];
        long sum = 0;
        for (int i = 0; i < times.length; i++) {
            sum += roundUpdates[i];
            times[i] = createdMillis[i];
            counts[i] = sum;
        }
        return new UpdateLatency.Curve(times, counts);
    }

    /** When the first version holding at least {@code examples} examples was created; NaN if none does. */
    double millisWhenHolding(long examples) {
        for (int i = 0; i < samplesInModel.length; i++) {
            if (samplesInModel[i] >= examples) {
                return createdMillis[i];
            }
        }
        return Double.NaN;
    }
}
