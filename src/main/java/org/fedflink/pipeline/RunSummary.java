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
import java.util.Set;
import java.util.stream.Stream;
import org.fedflink.config.JobSpec;
import org.fedflink.eval.Fairness;

/**
 * The outcome of a run, as written to {@code summary.json}: counts from the ingest subtasks, the
 * final model version's metadata, the baseline's when one ran, and timing. The field names are a
 * contract that other tools read.
 */
public final class RunSummary {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final ObjectNode root;

    private RunSummary(ObjectNode root) {
        this.root = root;
    }

    static RunSummary collect(JobSpec spec, Path out, String status, long wallMillis, String failure)
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
            modelPart(out, root);
        } else {
            ObjectNode tasks = root.putObject("tasks");
            for (JobSpec.Task task : spec.tasks()) {
                ObjectNode t = tasks.putObject(task.name());
                t.put("model", task.spec().model().type().name().toLowerCase(Locale.ROOT));
                t.put("outDir", FedJob.taskDir(out, task).toAbsolutePath().toString());
                modelPart(FedJob.taskDir(out, task), t);
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

    /** The final model of the loop writing to {@code dir}, its metrics and its baseline's. */
    private static void modelPart(Path dir, ObjectNode to) throws IOException {
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
        sourceFairness(dir.resolve(SourceStats.FILE), metrics);
        Path baselineDir = dir.resolve(FedJob.BASELINE);
        if (Files.exists(baselineDir.resolve(FedJob.MODELS).resolve("latest.json"))) {
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
                    baselineDir.resolve(FedJob.MODELS).resolve(b.path("params").asText()).toAbsolutePath().toString());
        }
        to.put("modelPath", model.has("params")
                ? dir.resolve(FedJob.MODELS).resolve(model.path("params").asText()).toAbsolutePath().toString()
                : null);
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
        Path latest = dir.resolve(FedJob.MODELS).resolve("latest.json");
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
        JSON.writeValue(out.resolve("summary.json").toFile(), root);
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
        JsonNode m = part.path("metrics");
        s.append(String.format(Locale.ROOT, "%sholdout accuracy %s, log loss %s; prequential accuracy %s%n", indent,
                fmt(m.get("holdoutAccuracy")), fmt(m.get("holdoutLogLoss")), fmt(m.get("prequentialAccuracy"))));
        if (m.has("worstDecilePrequentialAccuracy")) {
            s.append(String.format(Locale.ROOT, "%sper source: mean prequential accuracy %s, worst 10%% of sources %s%n",
                    indent, fmt(m.get("sourceMeanPrequentialAccuracy")), fmt(m.get("worstDecilePrequentialAccuracy"))));
        }
        if (part.has("baseline")) {
            JsonNode b = part.path("baseline");
            s.append(String.format(Locale.ROOT, "%scentralized baseline: holdout accuracy %s, log loss %s%n", indent,
                    fmt(b.get("holdoutAccuracy")), fmt(b.get("holdoutLogLoss"))));
        }
    }

    private static String fmt(JsonNode n) {
        return n == null || n.isNull() ? "n/a" : String.format(Locale.ROOT, "%.4f", n.asDouble());
    }
}
