package org.fedflink.bench;

import com.fasterxml.jackson.databind.JsonNode;
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
            list.add(toJson(r));
        }
        return list;
    }

    /** One case's figures as a JSON object (an element of {@code bench.json}). */
    public static ObjectNode toJson(BenchResult r) {
        ObjectNode o = JSON.createObjectNode();
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
        number(o, "anchorExamplesPerSecond", r.anchorExamplesPerSecond());
        number(o, "ratioToAnchorPerSlot", r.ratioToAnchorPerSlot());
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
        number(o, "anchorHoldoutAccuracy", r.anchorHoldoutAccuracy());
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
        return o;
    }

    /** Writes one case's figures (a forked case's hand-back to the bench). */
    static void writeCase(Path file, BenchResult result) throws IOException {
        Files.createDirectories(file.getParent());
        JSON.writeValue(file.toFile(), toJson(result));
    }

    /** Reads what {@link #writeCase} wrote. */
    static BenchResult readCase(Path file) throws IOException {
        return fromJson(JSON.readTree(file.toFile()));
    }

    /** The figures of one object of {@code bench.json}. */
    static BenchResult fromJson(JsonNode o) {
        List<TaskTimes> tasks = new java.util.ArrayList<>();
        for (JsonNode t : o.path("tasks")) {
            tasks.add(new TaskTimes(t.path("task").asText(), t.path("subtask").asText(), d(t, "busy"),
                    d(t, "backPressured"), d(t, "idle")));
        }
        return new BenchResult(
                o.path("case").asText(), o.path("workload").asText(), o.path("data").asText(),
                o.path("status").asText(), o.path("examples").asLong(), o.path("slots").asInt(),
                o.path("sources").asLong(), d(o, "examplesPerSecond"), d(o, "referenceExamplesPerSecond"),
                d(o, "ratioPerSlot"), d(o, "anchorExamplesPerSecond"), d(o, "ratioToAnchorPerSlot"), d(o, "cpuRatio"),
                d(o, "latencyP50Millis"), d(o, "latencyP99Millis"),
                o.path("updates").asLong(), o.path("versions").asLong(), o.path("checkpoints").asLong(),
                d(o, "checkpointMillis"), d(o, "checkpointMaxMillis"), l(o, "checkpointBytes"),
                d(o, "checkpointIncrementalBytes"), d(o, "checkpointStartDelayMillis"), d(o, "checkpointSyncMillis"),
                d(o, "checkpointAsyncMillis"),
                o.path("checkpointSlowestTask").isNull() ? null : o.path("checkpointSlowestTask").asText(null),
                l(o, "peakHeapBytes"), l(o, "peakHeapAfterGcBytes"), l(o, "peakRssBytes"), d(o, "holdoutAccuracy"),
                d(o, "referenceHoldoutAccuracy"), d(o, "anchorHoldoutAccuracy"), d(o, "trainSeconds"), d(o, "cpuSeconds"),
                d(o, "referenceSeconds"),
                d(o, "referenceCpuSeconds"), d(o, "startupSeconds"), d(o, "jobWallSeconds"), tasks,
                o.path("runDir").asText(), o.path("command").asText());
    }

    private static double d(JsonNode o, String key) {
        JsonNode v = o.get(key);
        return v == null || !v.isNumber() ? Double.NaN : v.asDouble();
    }

    private static long l(JsonNode o, String key) {
        JsonNode v = o.get(key);
        return v == null || !v.isNumber() ? -1 : v.asLong();
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
        String[] header = {"case", "ex/s", "ref ex/s", "ratio/slot", "anchor ex/s", "/anchor", "cpu ratio", "slots",
            "sources", "lat p50 ms", "lat p99 ms",
            "ckpt ms", "ckpt MB", "heap MB", "live MB", "RSS MB", "acc job/ref/anchor", "data"};
        String[][] rows = new String[results.size()][];
        for (int i = 0; i < rows.length; i++) {
            BenchResult r = results.get(i);
            rows[i] = new String[] {
                r.name() + (r.finished() ? "" : " (" + r.status() + ")"),
                fmt("%,.0f", r.examplesPerSecond()),
                fmt("%,.0f", r.referenceExamplesPerSecond()),
                fmt("%.3f", r.ratioPerSlot()),
                fmt("%,.0f", r.anchorExamplesPerSecond()),
                fmt("%.3f", r.ratioToAnchorPerSlot()),
                fmt("%.3f", r.cpuRatio()),
                Integer.toString(r.slots()),
                String.format(Locale.ROOT, "%,d", r.sources()),
                fmt("%.1f", r.latencyP50Millis()),
                fmt("%.1f", r.latencyP99Millis()),
                fmt("%.0f", r.checkpointMillis()),
                r.checkpointBytes() < 0 ? "-" : fmt("%.1f", r.checkpointBytes() / 1e6),
                megabytes(r.peakHeapBytes()),
                megabytes(r.peakHeapAfterGcBytes()),
                megabytes(r.peakRssBytes()),
                fmt("%.3f", r.holdoutAccuracy()) + "/" + fmt("%.3f", r.referenceHoldoutAccuracy()) + "/"
                        + fmt("%.3f", r.anchorHoldoutAccuracy()),
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
