package org.fedflink.quality;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One dataset of the quality suite, as its YAML file in {@code quality/datasets/} describes it (see
 * {@code docs/quality.md}): its name and task, how its files are made, the job fragment that names
 * its input, model and holdouts (nothing else: everything else is the project's defaults), what
 * computes its reference figures, and, for a drift stream, where its concept changes.
 *
 * @param dataset the name, {@code [a-z0-9-]}
 * @param task {@code binary}, {@code multiclass} or {@code regression}
 * @param description one line for the table
 * @param prepare how the files are made ({@code kind} and its settings), or null when they exist
 * @param job the job spec fragment, {@code ${data}} standing for the prepared folder
 * @param reference {@code pooled} (a multi-pass learner on the pooled training data) or {@code moa}
 *     (MOA's prequential evaluation of a learner on the same stream, made by the preparation)
 * @param driftChanges the stream positions (examples) where the concept changes; empty when none (an
 *     incremental drift has no change point)
 * @param driftWidth how many examples a change takes (1: abrupt)
 * @param file the whole file as read (what {@link DatasetSources} makes the preparation from)
 */
public record DatasetSpec(String dataset, String task, String description, ObjectNode prepare, ObjectNode job,
        String reference, List<Long> driftChanges, long driftWidth, ObjectNode file) {

    private static final YAMLMapper YAML = new YAMLMapper();
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}");
    private static final Set<String> TASKS = Set.of("binary", "multiclass", "regression");
    private static final Set<String> REFERENCES = Set.of("pooled", "moa");
    private static final Set<String> KEYS = Set.of(
            "dataset", "task", "description", "prepare", "job", "reference", "drift");

    /**
     * The job spec keys a dataset may set: its input, its model's type and size and its holdouts.
     * Everything else (optimizer, rounds, aggregation, trainer, ...) is what a user gets by default.
     */
    static final Set<String> JOB_KEYS = Set.of("input", "model.type", "model.features", "model.classes",
            "model.hidden", "evaluation.holdout", "evaluation.holdoutPath", "evaluation.holdoutLabelsPath",
            "evaluation.holdouts");

    /** Whether the dataset is a drift stream (a {@code drift} section; its changes may be gradual, without points). */
    public boolean drifts() {
        return file != null && file.has("drift");
    }

    /** The datasets of a folder's {@code *.yaml} files, by name. */
    public static List<DatasetSpec> loadAll(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException("quality datasets folder " + dir + " does not exist");
        }
        List<DatasetSpec> specs = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".yaml")).sorted().toList()) {
                specs.add(load(file));
            }
        }
        return specs;
    }

    /**
     * Reads and checks one dataset file.
     *
     * @throws IOException naming the file and the problem in one line
     */
    public static DatasetSpec load(Path file) throws IOException {
        JsonNode root;
        try {
            root = YAML.readTree(file.toFile());
        } catch (IOException e) {
            throw new IOException(file + ": not a YAML dataset file: " + firstLine(e.getMessage()), e);
        }
        if (root == null || !root.isObject()) {
            throw new IOException(file + ": a dataset file is a section of keys (" + String.join(", ", KEYS) + ")");
        }
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!KEYS.contains(key)) {
                throw new IOException(file + ": unknown key '" + key + "' (allowed: " + String.join(", ", sorted(KEYS))
                        + ")");
            }
        }
        String name = text(root, "dataset", file);
        if (!NAME.matcher(name).matches()) {
            throw new IOException(file + ": dataset '" + name + "' must be 1 to 64 of a-z, 0-9 and '-'");
        }
        String task = text(root, "task", file).toLowerCase(Locale.ROOT);
        if (!TASKS.contains(task)) {
            throw new IOException(file + ": task must be one of " + sorted(TASKS) + ", got '" + task + "'");
        }
        String reference = root.path("reference").asText("pooled");
        if (!REFERENCES.contains(reference)) {
            throw new IOException(file + ": reference must be one of " + sorted(REFERENCES) + ", got '" + reference + "'");
        }
        JsonNode job = root.get("job");
        if (job == null || !job.isObject()) {
            throw new IOException(file + ": 'job' must be a section: the job spec's input, model and holdouts");
        }
        checkJobKeys(file, (ObjectNode) job, "");
        JsonNode prepare = root.get("prepare");
        if (prepare != null && !(prepare.isObject() && prepare.has("kind"))) {
            throw new IOException(file + ": 'prepare' must be a section with a 'kind'");
        }
        List<Long> changes = new ArrayList<>();
        long width = 1;
        JsonNode drift = root.get("drift");
        if (drift != null) {
            for (JsonNode change : drift.path("changes")) {
                if (!change.canConvertToLong() || change.asLong() <= 0) {
                    throw new IOException(file + ": drift.changes must be positive stream positions, got " + change);
                }
                changes.add(change.asLong());
            }
            width = drift.path("width").asLong(1);
            if (width < 1) {
                throw new IOException(file + ": drift.width must be >= 1, got " + width);
            }
        }
        return new DatasetSpec(name, task, root.path("description").asText(""),
                prepare == null ? null : (ObjectNode) prepare, (ObjectNode) job, reference, List.copyOf(changes), width,
                (ObjectNode) root);
    }

    /** Refuses a job key a dataset may not set: a quality row must be what the defaults give. */
    private static void checkJobKeys(Path file, ObjectNode node, String prefix) throws IOException {
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String key = prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey();
            if (JOB_KEYS.contains(key)) {
                continue;
            }
            boolean parent = JOB_KEYS.stream().anyMatch(k -> k.startsWith(key + "."));
            if (parent && field.getValue().isObject()) {
                checkJobKeys(file, (ObjectNode) field.getValue(), key);
            } else {
                throw new IOException(file + ": job key '" + key + "' is not for a dataset to set (the suite runs the"
                        + " project's defaults; a dataset names only " + String.join(", ", sorted(JOB_KEYS)) + ")");
            }
        }
    }

    private static String text(JsonNode root, String key, Path file) throws IOException {
        JsonNode value = root.get(key);
        if (value == null || !value.isValueNode() || value.asText().isBlank()) {
            throw new IOException(file + ": '" + key + "' is required");
        }
        return value.asText().strip();
    }

    private static List<String> sorted(Set<String> values) {
        return values.stream().sorted().toList();
    }

    private static String firstLine(String message) {
        return message == null ? "" : message.lines().findFirst().orElse("");
    }
}
