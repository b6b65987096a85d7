package org.fedflink.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Opens the files of a run folder for the section readers. The two kinds fail differently on
 * purpose: a {@code summary.json} that is not JSON stops the report (its headline would be wrong),
 * while an absent or unreadable CSV only omits the charts built on it, with a note saying why.
 */
final class RunFiles {

    private static final ObjectMapper JSON = new ObjectMapper();

    private RunFiles() {}

    /** The {@code summary.json} at {@code file}, if there is one; {@code dir} names it in errors. */
    static Optional<JsonNode> readSummary(Path file, Path dir) throws IOException {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            JsonNode node = JSON.readTree(file.toFile());
            if (node == null || !node.isObject()) {
                throw new ReportException("summary.json in '" + dir + "' is not a json object");
            }
            return Optional.of(node);
        } catch (JsonProcessingException e) {
            throw new ReportException("summary.json in '" + dir + "' is not valid json: "
                    + e.getOriginalMessage().lines().findFirst().orElse(""), e);
        }
    }

    /** The folders under {@code tasks/} of a multi-task run, by name; none for a one-model run. */
    static List<Path> taskDirs(Path runDir) throws IOException {
        Path tasks = runDir.resolve("tasks");
        if (!Files.isDirectory(tasks)) {
            return List.of();
        }
        try (Stream<Path> dirs = Files.list(tasks)) {
            return dirs.filter(Files::isDirectory).sorted(Comparator.comparing(p -> p.getFileName().toString()))
                    .toList();
        }
    }

    /** A task's entry in the run's summary: {@code tasks.<name>} or {@code tasks[i]} with that name. */
    static JsonNode taskNode(JsonNode summary, String name) {
        JsonNode tasks = summary.path("tasks");
        if (tasks.isObject()) {
            return tasks.path(name);
        }
        for (JsonNode t : tasks) {
            if (name.equals(t.path("name").asText(null)) || name.equals(t.path("task").asText(null))) {
                return t;
            }
        }
        return JSON.missingNode();
    }

    /**
     * Reads an optional CSV file; when it is absent or not readable as CSV (e.g. cut off inside a
     * quoted cell), notes "{@code consequence}: no {@code name}" or why it could not be read.
     */
    static Optional<CsvTable> readCsv(Path file, String name, String consequence, List<String> notes)
            throws IOException {
        try {
            Optional<CsvTable> table = CsvTable.readIfExists(file);
            if (table.isEmpty()) {
                notes.add(consequence + ": no " + name);
            }
            return table;
        } catch (JsonProcessingException e) {
            notes.add(consequence + ": " + name + " is not readable as csv ("
                    + e.getOriginalMessage().lines().findFirst().orElse("") + ", line "
                    + (e.getLocation() == null ? "?" : e.getLocation().getLineNr()) + ")");
            return Optional.empty();
        }
    }
}
