package org.fedflink.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** {@code bench.json} and the terminal table. */
public final class BenchReport {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** Name of the results file in the bench folder. */
    public static final String FILE = "bench.json";

    private BenchReport() {}

    /** The results as a JSON list, one object per case (unmeasured figures are null). */
    public static ArrayNode toJson(List<BenchResult> results) {
        ArrayNode list = JSON.createArrayNode();
        for (BenchResult r : results) {
            ObjectNode o = list.addObject();
            o.put("case", r.name());
            o.put("workload", r.workload());
            o.put("data", r.data());
            o.put("status", r.status());
            o.put("examples", r.examples());
            o.put("slots", r.slots());
            o.put("sources", r.sources());
            number(o, "examplesPerSecond", r.examplesPerSecond());
            number(o, "referenceExamplesPerSecond", r.referenceExamplesPerSecond());
            number(o, "ratioPerSlot", r.ratioPerSlot());
            number(o, "cpuRatio", r.cpuRatio());
            number(o, "latencyP50Millis", r.latencyP50Millis());
            number(o, "latencyP99Millis", r.latencyP99Millis());
            o.put("updates", r.updates());
            o.put("versions", r.versions());
            o.put("checkpoints", r.checkpoints());
            number(o, "checkpointMillis", r.checkpointMillis());
            number(o, "checkpointMaxMillis", r.checkpointMaxMillis());
            size(o, "checkpointBytes", r.checkpointBytes());
            number(o, "checkpointIncrementalBytes", r.checkpointIncrementalBytes());
            number(o, "checkpointStartDelayMillis", r.checkpointStartDelayMillis());
            number(o, "checkpointSyncMillis", r.checkpointSyncMillis());
            number(o, "checkpointAsyncMillis", r.checkpointAsyncMillis());
            o.put("checkpointSlowestTask", r.checkpointSlowestTask());
            size(o, "peakHeapBytes", r.peakHeapBytes());
            size(o, "peakHeapAfterGcBytes", r.peakHeapAfterGcBytes());
            size(o, "peakRssBytes", r.peakRssBytes());
            number(o, "holdoutAccuracy", r.holdoutAccuracy());
            number(o, "referenceHoldoutAccuracy", r.referenceHoldoutAccuracy());
            number(o, "trainSeconds", r.trainSeconds());
            number(o, "cpuSeconds", r.cpuSeconds());
            number(o, "referenceSeconds", r.referenceSeconds());
            number(o, "referenceCpuSeconds", r.referenceCpuSeconds());
            number(o, "startupSeconds", r.startupSeconds());
            number(o, "jobWallSeconds", r.jobWallSeconds());
            ArrayNode tasks = o.putArray("tasks");
            for (TaskTimes t : r.tasks()) {
                ObjectNode task = tasks.addObject();
                task.put("task", t.task());
                task.put("subtask", t.subtask());
                number(task, "busy", t.busy());
                number(task, "backPressured", t.backPressured());
                number(task, "idle", t.idle());
            }
            o.put("runDir", r.runDir());
            o.put("command", r.command());
        }
        return list;
    }

    /** Writes {@code bench.json} into {@code dir} and returns its path. */
    public static Path write(Path dir, List<BenchResult> results) throws IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve(FILE);
        JSON.writeValue(file.toFile(), toJson(results));
        return file;
    }

    private static void number(ObjectNode o, String key, double value) {
        if (Double.isFinite(value)) {
            o.put(key, value);
        } else {
            o.putNull(key);
        }
    }

    private static void size(ObjectNode o, String key, long value) {
        if (value >= 0) {
            o.put(key, value);
        } else {
            o.putNull(key);
        }
    }

    /** The results as a table for a terminal (and for Markdown: the rows are pipe-separated). */
    public static String table(List<BenchResult> results) {
        String[] header = {"case", "ex/s", "ref ex/s", "ratio/slot", "cpu ratio", "slots", "sources", "lat p50 ms", "lat p99 ms",
            "ckpt ms", "ckpt MB", "heap MB", "live MB", "RSS MB", "acc job/ref", "data"};
        String[][] rows = new String[results.size()][];
        for (int i = 0; i < rows.length; i++) {
            BenchResult r = results.get(i);
            rows[i] = new String[] {
                r.name() + (r.finished() ? "" : " (" + r.status() + ")"),
                fmt("%,.0f", r.examplesPerSecond()),
                fmt("%,.0f", r.referenceExamplesPerSecond()),
                fmt("%.2f", r.ratioPerSlot()),
                fmt("%.2f", r.cpuRatio()),
                Integer.toString(r.slots()),
                String.format(Locale.ROOT, "%,d", r.sources()),
                fmt("%.1f", r.latencyP50Millis()),
                fmt("%.1f", r.latencyP99Millis()),
                fmt("%.0f", r.checkpointMillis()),
                r.checkpointBytes() < 0 ? "-" : fmt("%.1f", r.checkpointBytes() / 1e6),
                megabytes(r.peakHeapBytes()),
                megabytes(r.peakHeapAfterGcBytes()),
                megabytes(r.peakRssBytes()),
                fmt("%.3f", r.holdoutAccuracy()) + "/" + fmt("%.3f", r.referenceHoldoutAccuracy()),
                r.data()
            };
        }
        int[] width = new int[header.length];
        for (int c = 0; c < header.length; c++) {
            width[c] = header[c].length();
            for (String[] row : rows) {
                width[c] = Math.max(width[c], row[c].length());
            }
        }
        StringBuilder s = new StringBuilder();
        line(s, header, width);
        StringBuilder rule = new StringBuilder("|");
        for (int w : width) {
            rule.append('-').append("-".repeat(w)).append("-|");
        }
        s.append(rule).append('\n');
        for (String[] row : rows) {
            line(s, row, width);
        }
        return s.toString();
    }

    private static void line(StringBuilder s, String[] cells, int[] width) {
        s.append('|');
        for (int c = 0; c < cells.length; c++) {
            boolean left = c == 0 || c == cells.length - 1;
            String cell = cells[c];
            String pad = " ".repeat(width[c] - cell.length());
            s.append(' ').append(left ? cell + pad : pad + cell).append(" |");
        }
        s.append('\n');
    }

    private static String megabytes(long bytes) {
        return bytes < 0 ? "-" : String.format(Locale.ROOT, "%,.0f", bytes / 1e6);
    }

    private static String fmt(String format, double value) {
        return Double.isFinite(value) ? String.format(Locale.ROOT, format, value) : "-";
    }
}
