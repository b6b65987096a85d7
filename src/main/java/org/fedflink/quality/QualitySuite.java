package org.fedflink.quality;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.fedflink.artifact.RunFolder;
import org.fedflink.config.JobSpec;
import org.fedflink.config.JobSpecException;
import org.fedflink.config.JobSpecLoader;
import org.fedflink.runner.LocalRunner;

/**
 * Runs the quality suite: every dataset with the project's defaults, the federated model beside the
 * centralized and local-only baselines, and a reference learner that is not the federated path;
 * writes {@code quality.json} and {@code QUALITY.md} (see {@code docs/quality.md}).
 *
 * <p>A dataset's job is its YAML's job fragment plus what the suite needs to measure it (both
 * baselines and the prediction stream), nothing that changes how the model learns. Each job runs
 * in a JVM of its own (as {@code fedflink run} would), or in this one ({@code inProcess}).
 */
public final class QualitySuite {

    /**
     * What a run of the suite needs.
     *
     * @param overrides {@code KEY=VALUE} job-spec overrides applied to every dataset, as {@code --set}
     *     of {@code fedflink run}: a candidate default tried on the whole suite (the table says so)
     */
    public record Settings(Path outDir, Path dataDir, boolean quick, boolean inProcess, Path flinkConfDir,
            PrintStream progress, List<String> overrides) {

        public Settings {
            overrides = List.copyOf(overrides);
        }

        /** The project's defaults, nothing overridden. */
        public Settings(Path outDir, Path dataDir, boolean quick, boolean inProcess, Path flinkConfDir,
                PrintStream progress) {
            this(outDir, dataDir, quick, inProcess, flinkConfDir, progress, List.of());
        }
    }

    /** Makes a dataset's files (its {@code prepare} section) into a folder, once. */
    @FunctionalInterface
    public interface Preparation {
        PreparedDataset prepare(DatasetSpec spec, Path dir, boolean quick) throws IOException;
    }

    /** Computes the reference figures of a dataset whose preparation did not make them. */
    @FunctionalInterface
    public interface ReferenceLearner {
        ReferenceResult fit(JobSpec job) throws Exception;
    }

    static final String QUALITY_JSON = "quality.json";
    static final String QUALITY_MD = "QUALITY.md";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final YAMLMapper YAML = new YAMLMapper();

    private final Settings settings;
    private final Preparation preparation;
    private final ReferenceLearner reference;

    public QualitySuite(Settings settings, Preparation preparation, ReferenceLearner reference) {
        this.settings = settings;
        this.preparation = preparation;
        this.reference = reference;
    }

    /** Runs every dataset in order and writes the results; a dataset that fails is a row with its failure. */
    public List<QualityRow> run(List<DatasetSpec> datasets) throws IOException {
        Files.createDirectories(settings.outDir());
        List<QualityRow> rows = new ArrayList<>();
        for (DatasetSpec dataset : datasets) {
            long start = System.nanoTime();
            progress("quality: %s (%s) ...", dataset.dataset(), dataset.task());
            QualityRow row;
            try {
                row = runDataset(dataset);
            } catch (Exception e) {
                String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
                progress("  %s failed: %s", dataset.dataset(), why);
                row = QualityRow.failed(dataset, why);
            }
            progress("  %s done in %.0f s", dataset.dataset(), (System.nanoTime() - start) / 1e9);
            rows.add(row);
            write(rows);
        }
        return rows;
    }

    /** One dataset: prepare, run, measure. */
    QualityRow runDataset(DatasetSpec dataset) throws Exception {
        Path dataDir = settings.dataDir().resolve(dataset.dataset() + (settings.quick() ? "-quick" : ""));
        PreparedDataset prepared = dataset.prepare() == null
                ? new PreparedDataset(Map.of(), Map.of(), null)
                : preparation.prepare(dataset, dataDir, settings.quick());
        Path caseDir = settings.outDir().resolve(dataset.dataset());
        Files.createDirectories(caseDir);
        Path specFile = caseDir.resolve("job.yaml");
        Files.writeString(specFile, YAML.writeValueAsString(jobTree(dataset, dataDir)));
        JobSpec job = load(specFile, settings.overrides());
        Path runDir = caseDir.resolve("run");
        long start = System.nanoTime();
        JsonNode summary = runJob(job, specFile, runDir);
        double seconds = (System.nanoTime() - start) / 1e9;
        ReferenceResult ref = prepared.reference();
        if (ref == null && reference != null && dataset.reference().equals("pooled")) {
            progress("  %s: fitting the pooled reference", dataset.dataset());
            ref = reference.fit(job);
        }
        QualityRow row = QualityRow.measured(dataset, prepared, summary, runDir, ref, seconds);
        if (dataset.drifts()) {
            List<DriftFigures.Change> changes = changes(dataset, prepared);
            long length = summary.path("examples").asLong();
            row = row.withDrift(
                    drift(runDir.resolve(RunFolder.PREDICTIONS), job, length, changes),
                    drift(runDir.resolve("baseline").resolve(RunFolder.PREDICTIONS), job, length, changes));
        }
        return row;
    }

    /** Where the dataset's concept changes: as its preparation made them (quick streams are shorter), else its file. */
    private static List<DriftFigures.Change> changes(DatasetSpec dataset, PreparedDataset prepared) {
        List<Long> positions = dataset.driftChanges();
        long width = dataset.driftWidth();
        if (prepared.facts().get("changes") instanceof List<?> made) {
            positions = made.stream().map(p -> ((Number) p).longValue()).toList();
        }
        if (prepared.facts().get("width") instanceof Number w) {
            width = w.longValue();
        }
        return DriftFigures.Change.at(positions, width);
    }

    /**
     * The drift figures of a prediction stream: each prediction's stream position from its time
     * (a file without times gets {@code startTime + position * interval}) and whether it was right.
     */
    static Map<String, Double> drift(Path predictions, JobSpec job, long length, List<DriftFigures.Change> changes)
            throws IOException {
        if (!Files.exists(predictions)) {
            return Map.of();
        }
        List<String> lines = Files.readAllLines(predictions);
        long[] positions = new long[lines.size()];
        boolean[] correct = new boolean[lines.size()];
        long start = job.input().startTimeMillis();
        long interval = Math.max(1, job.input().eventIntervalMillis());
        for (int i = 0; i < positions.length; i++) {
            JsonNode p = JSON.readTree(lines.get(i));
            positions[i] = (p.path("time").asLong() - start) / interval;
            correct[i] = p.path("prediction").asText().equals(p.path("label").asText());
        }
        return DriftFigures.ofOutcomes(positions, correct, length, changes, DriftFigures.WINDOW, DriftFigures.EVERY)
                .asMap();
    }

    /**
     * The dataset's job: its fragment, {@code ${data}} replaced by the prepared folder, plus a job
     * name, both baselines and the prediction stream (what the figures are made from).
     */
    static ObjectNode jobTree(DatasetSpec dataset, Path dataDir) {
        ObjectNode job = dataset.job().deepCopy();
        substitute(job, "${data}", dataDir.toAbsolutePath().toString());
        ObjectNode tree = JSON.createObjectNode();
        tree.put("job", "quality-" + dataset.dataset());
        tree.setAll(job);
        ObjectNode evaluation = tree.has("evaluation") ? (ObjectNode) tree.get("evaluation")
                : tree.putObject("evaluation");
        ArrayNode baselines = evaluation.putArray("baseline");
        baselines.add("centralized");
        baselines.add("local");
        tree.putObject("output").put("predictions", true);
        return tree;
    }

    private static void substitute(JsonNode node, String from, String to) {
        if (node instanceof ObjectNode object) {
            for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                if (field.getValue().isTextual()) {
                    field.setValue(new TextNode(field.getValue().asText().replace(from, to)));
                } else {
                    substitute(field.getValue(), from, to);
                }
            }
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                if (array.get(i).isTextual()) {
                    array.set(i, new TextNode(array.get(i).asText().replace(from, to)));
                } else {
                    substitute(array.get(i), from, to);
                }
            }
        }
    }

    private static JobSpec load(Path specFile, List<String> overrides) throws IOException {
        try {
            return JobSpecLoader.load(specFile, overrides);
        } catch (JobSpecException e) {
            throw new IOException(specFile + ": " + e.getMessage(), e);
        }
    }

    /** Runs the job to its end; its summary. */
    private JsonNode runJob(JobSpec job, Path specFile, Path runDir) throws Exception {
        if (settings.inProcess()) {
            LocalRunner.Options options = LocalRunner.Options.defaults(runDir);
            if (settings.flinkConfDir() != null) {
                options = new LocalRunner.Options(runDir, settings.flinkConfDir(), null, Map.of(), null,
                        options.progressInterval());
            }
            return LocalRunner.run(job, options).json();
        }
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse(
                Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments());
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "org.fedflink.cli.Main", "run",
                specFile.toString(), "--out", runDir.toString(), "--quiet"));
        if (settings.flinkConfDir() != null) {
            command.addAll(List.of("--flink-conf", settings.flinkConfDir().toString()));
        }
        for (String override : settings.overrides()) {
            command.addAll(List.of("--set", override));
        }
        Process child = new ProcessBuilder(command)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        int exit = child.waitFor();
        Path summary = runDir.resolve(RunFolder.SUMMARY);
        if (!Files.exists(summary)) {
            throw new IOException("the job exited with " + exit + " and wrote no summary (see logs/fedflink.log)");
        }
        JsonNode s = JSON.readTree(summary.toFile());
        if (!"FINISHED".equals(s.path("status").asText())) {
            throw new IOException("the job ended " + s.path("status").asText() + ": " + s.path("failure").asText(""));
        }
        return s;
    }

    /** Writes {@code quality.json} and {@code QUALITY.md} of the rows so far. */
    void write(List<QualityRow> rows) throws IOException {
        ArrayNode list = JSON.createArrayNode();
        rows.forEach(r -> list.add(r.toJson()));
        JSON.writeValue(settings.outDir().resolve(QUALITY_JSON).toFile(), list);
        Files.writeString(settings.outDir().resolve(QUALITY_MD),
                QualityTable.markdown(rows, command(), settings.overrides()));
    }

    private String command() {
        StringBuilder command = new StringBuilder("bin/fedflink quality").append(settings.quick() ? " --quick" : "");
        settings.overrides().forEach(o -> command.append(" --set ").append(o));
        return command.toString();
    }

    private void progress(String format, Object... args) {
        if (settings.progress() != null) {
            settings.progress().printf(format + "%n", args);
        }
    }

    /** A row's figures by name, in a fixed order (for JSON and the table). */
    static Map<String, Object> ordered(Map<String, ?> figures, List<String> order) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (String key : order) {
            if (figures.containsKey(key) && figures.get(key) != null) {
                out.put(key, figures.get(key));
            }
        }
        return out;
    }
}
