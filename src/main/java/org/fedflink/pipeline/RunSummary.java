package org.fedflink.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
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
        long read = 0;
        long invalid = 0;
        Set<String> sources = new HashSet<>();
        Path counts = out.resolve(FedJob.COUNTS);
        if (Files.isDirectory(counts)) {
            try (Stream<Path> files = Files.list(counts)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".json")).toList()) {
                    JsonNode c = JSON.readTree(f.toFile());
                    read += c.path("read").asLong();
                    invalid += c.path("invalid").asLong();
                    c.path("sources").forEach(s -> sources.add(s.asText()));
                }
            }
        }
        root.put("examples", read);
        root.put("invalid", invalid);
        root.put("sources", sources.size());
        JsonNode model = latest(out);
        root.put("globalVersion", model.path("version").asLong());
        root.put("rounds", model.path("rounds").asLong());
        root.put("samplesInModel", model.path("samplesInModel").asLong());
        double wallSeconds = wallMillis / 1000.0;
        root.put("wallSeconds", wallSeconds);
        root.put("examplesPerSecond", wallSeconds > 0 ? read / wallSeconds : 0);
        ObjectNode metrics = root.putObject("metrics");
        JsonNode m = model.path("metrics");
        copy(m, metrics, "prequentialAccuracy");
        copy(m, metrics, "prequentialLoss");
        copy(m, metrics, "holdoutAccuracy");
        copy(m, metrics, "holdoutLogLoss");
        copy(m, metrics, "holdoutLoss");
        copy(m, metrics, "holdoutMacroF1");
        copy(m, metrics, "holdoutAuc");
        copy(m, metrics, "holdoutRmse");
        copy(m, metrics, "holdoutMae");
        copy(m, metrics, "windowPrequentialAccuracy");
        copy(m, metrics, "windowPrequentialLoss");
        metrics.put("holdoutExamples", m.path("holdoutExamples").asInt());
        sourceFairness(out.resolve(SourceStats.FILE), metrics);
        Path baselineDir = out.resolve(FedJob.BASELINE);
        if (Files.exists(baselineDir.resolve(FedJob.MODELS).resolve("latest.json"))) {
            JsonNode b = latest(baselineDir);
            ObjectNode baseline = root.putObject("baseline");
            baseline.put("mode", "centralized");
            copy(b.path("metrics"), baseline, "holdoutAccuracy");
            copy(b.path("metrics"), baseline, "holdoutLogLoss");
            copy(b.path("metrics"), baseline, "holdoutLoss");
            copy(b.path("metrics"), baseline, "holdoutMacroF1");
            copy(b.path("metrics"), baseline, "holdoutAuc");
            copy(b.path("metrics"), baseline, "holdoutRmse");
            copy(b.path("metrics"), baseline, "holdoutMae");
            copy(b.path("metrics"), baseline, "prequentialAccuracy");
            baseline.put("globalVersion", b.path("version").asLong());
            baseline.put("samplesInModel", b.path("samplesInModel").asLong());
            baseline.put("modelPath", baselineDir.resolve(FedJob.MODELS).resolve(b.path("params").asText()).toAbsolutePath().toString());
        }
        root.put("modelPath", model.has("params")
                ? out.resolve(FedJob.MODELS).resolve(model.path("params").asText()).toAbsolutePath().toString()
                : null);
        root.put("outDir", out.toAbsolutePath().toString());
        if (failure != null) {
            root.put("failure", failure.lines().findFirst().orElse(failure));
        }
        return new RunSummary(root);
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
        s.append(String.format(Locale.ROOT, "  global model v%d after %d rounds, %d samples folded in%n",
                root.path("globalVersion").asLong(), root.path("rounds").asLong(), root.path("samplesInModel").asLong()));
        JsonNode m = root.path("metrics");
        s.append(String.format(Locale.ROOT, "  holdout accuracy %s, log loss %s; prequential accuracy %s%n",
                fmt(m.get("holdoutAccuracy")), fmt(m.get("holdoutLogLoss")), fmt(m.get("prequentialAccuracy"))));
        if (m.has("worstDecilePrequentialAccuracy")) {
            s.append(String.format(Locale.ROOT, "  per source: mean prequential accuracy %s, worst 10%% of sources %s%n",
                    fmt(m.get("sourceMeanPrequentialAccuracy")), fmt(m.get("worstDecilePrequentialAccuracy"))));
        }
        if (root.has("baseline")) {
            JsonNode b = root.path("baseline");
            s.append(String.format(Locale.ROOT, "  centralized baseline: holdout accuracy %s, log loss %s%n",
                    fmt(b.get("holdoutAccuracy")), fmt(b.get("holdoutLogLoss"))));
        }
        if (root.has("failure")) {
            s.append("  failure: ").append(root.path("failure").asText()).append('\n');
        }
        s.append("  outputs in ").append(root.path("outDir").asText());
        return s.toString();
    }

    private static String fmt(JsonNode n) {
        return n == null || n.isNull() ? "n/a" : String.format(Locale.ROOT, "%.4f", n.asDouble());
    }
}
