package org.fedflink.runner;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.stream.Stream;
import org.fedflink.artifact.RunFolder;
import org.fedflink.config.JobSpec;
import org.fedflink.data.DistinctCount;
import org.fedflink.pipeline.FedJob;

/**
 * The outcome of a run, as written to {@code summary.json}: counts from the ingest subtasks, the
 * final model version's metadata (with each named holdout's figures), the time to 95 % and 99 % of
 * the final holdout accuracy, the baselines' figures when they ran, and timing. The field names are
 * a contract that other tools read (docs/running-jobs.md, its {@code summary.json} paragraph).
 *
 * <p>Baselines are listed under {@code baselines}, one entry per kind ({@code centralized}, ...), each
 * with its figures; {@code baseline} keeps the centralized one's figures in the form of the one-baseline
 * summary. The console lines and the report show every entry of {@code baselines}.
 *
 * <p>This class collects the run-wide fields (counts, timing, tasks, inputs); {@link ModelSummary}
 * writes each model's part and {@link SummaryText} the console lines.
 */
public final class RunSummary {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final ObjectNode root;

    private RunSummary(ObjectNode root) {
        this.root = root;
    }

    /**
     * @param startMillis when the job was submitted (epoch milliseconds): the zero of the
     *     time-to-accuracy seconds
     * @param wallMillis from the submission to the end
     */
    static RunSummary collect(JobSpec spec, Path out, String status, long startMillis, long wallMillis, String failure)
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
            ModelSummary.collect(out, root, startMillis);
        } else {
            ObjectNode tasks = root.putObject("tasks");
            for (JobSpec.Task task : spec.tasks()) {
                ObjectNode t = tasks.putObject(task.name());
                t.put("model", task.spec().model().type().name().toLowerCase(Locale.ROOT));
                t.put("outDir", FedJob.taskDir(out, task).toAbsolutePath().toString());
                ModelSummary.collect(FedJob.taskDir(out, task), t, startMillis);
            }
            // tasks with another label field or classes read the input again: input-1/, input-2/, ...
            ArrayNode inputs = null;
            for (int g = 1; Files.isDirectory(out.resolve(RunFolder.inputFolder(g))); g++) {
                long[] c = new long[2];
                countInto(out.resolve(RunFolder.inputFolder(g)).resolve(FedJob.COUNTS), c);
                inputs = inputs == null ? root.putArray("inputs") : inputs;
                inputs.addObject().put("folder", RunFolder.inputFolder(g)).put("examples", c[0]).put("invalid", c[1]);
            }
        }
        root.put("outDir", out.toAbsolutePath().toString());
        if (failure != null) {
            root.put("failure", failure.lines().findFirst().orElse(failure));
        }
        return new RunSummary(root);
    }

    /**
     * Adds the {read, invalid} counts of the ingest subtasks in {@code dir} and returns the distinct
     * sources (exact up to {@link DistinctCount#EXACT_LIMIT}, then estimated).
     */
    private static int countInto(Path dir, long[] counts) throws IOException {
        DistinctCount sources = new DistinctCount();
        if (Files.isDirectory(dir)) {
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".json")).toList()) {
                    JsonNode c = JSON.readTree(f.toFile());
                    counts[0] += c.path("read").asLong();
                    counts[1] += c.path("invalid").asLong();
                    c.path("sources").forEach(source -> sources.add(source.asText()));
                    if (c.hasNonNull("sourceSketch")) {
                        byte[] sketch = c.get("sourceSketch").binaryValue();
                        sources.addAll(DistinctCount.of(new DistinctCount.State(null, sketch)));
                    }
                }
            }
        }
        return (int) sources.count();
    }

    void write(Path out) throws IOException {
        JSON.writeValue(out.resolve(RunFolder.SUMMARY).toFile(), root);
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
        return SummaryText.describe(root);
    }
}
