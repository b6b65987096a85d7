package org.fedflink.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.fedflink.artifact.RunFolder;
import org.fedflink.eval.HoldoutColumns;
import org.fedflink.report.ReportData.Section;

/**
 * Reads a run folder into {@link ReportData}. Required: {@code summary.json}, and
 * {@code metrics.csv} (or, for a multi-task run, {@code tasks/<name>/metrics.csv}). Everything else
 * is optional and looked up by name: an absent file or column omits its chart and adds a one-line
 * note, so the report keeps working on runs written before (or after) a file or column was added.
 *
 * <p>Files read, all optional but the first two:
 *
 * <ul>
 *   <li>{@code summary.json} — job, status, mode, counts, final metrics (with {@code metrics.holdouts}
 *       per named holdout), {@code timeToAccuracy}, and the baselines: every entry of
 *       {@code baselines} ({@code centralized}, ...), or the one {@code baseline} of older runs;
 *   <li>{@code metrics.csv} — one row per global version: {@code version}, {@code holdoutAccuracy},
 *       {@code holdoutLoss}, {@code holdoutMacroF1}, {@code holdoutAuc}, {@code holdoutRmse},
 *       {@code holdoutMae} (blank on versions not scored), {@code prequentialAccuracy},
 *       {@code windowPrequentialAccuracy}, {@code roundUpdates}, {@code roundSources},
 *       {@code globalDrifts} (marked on the prequential chart where it goes up), and the named
 *       holdouts' {@code holdout.<name>.<figure>} columns ({@link HoldoutColumns});
 *   <li>{@code baseline/metrics.csv} — the same for the centralized baseline;
 *   <li>{@code throughput.csv} — {@code elapsedMillis,examplesRead} samples;
 *   <li>{@code sources.csv} — {@code source,prequentialAccuracy,...} per data source;
 *   <li>{@code tasks/<name>/} — per task: {@code metrics.csv}, {@code baseline/metrics.csv},
 *       {@code sources.csv} and {@code summary.json}, each optional.
 * </ul>
 *
 * <p>Each part of the page has its reader: {@link SummaryStats} (headline and quality lines),
 * {@link ModelSection} (per model or task), {@link ThroughputSection}, {@link SourcesSection}; this
 * class checks the required files and puts the parts together in page order.
 */
final class RunReader {

    private RunReader() {}

    static ReportData read(Path runDir) throws IOException {
        if (!Files.isDirectory(runDir)) {
            throw new ReportException("run folder '" + runDir + "' does not exist");
        }
        JsonNode summary = RunFiles.readSummary(runDir.resolve(RunFolder.SUMMARY), runDir)
                .orElseThrow(() -> new ReportException("run folder '" + runDir + "' has no summary.json"));
        List<Path> tasks = RunFiles.taskDirs(runDir);
        boolean hasMetrics = tasks.isEmpty()
                ? ModelSection.hasMetrics(runDir)
                : tasks.stream().anyMatch(ModelSection::hasMetrics);
        if (!hasMetrics) {
            throw new ReportException("run folder '" + runDir + "' has no metrics.csv"
                    + (tasks.isEmpty() ? "" : " (nor tasks/<name>/metrics.csv)"));
        }

        List<Section> sections = new ArrayList<>();
        if (tasks.isEmpty()) {
            sections.add(ModelSection.read(runDir, "model", "Global model", List.of(), false));
        } else {
            for (int i = 0; i < tasks.size(); i++) {
                Path task = tasks.get(i);
                String name = task.getFileName().toString();
                JsonNode taskSummary = RunFiles.readSummary(task.resolve(RunFolder.SUMMARY), task)
                        .orElseGet(() -> RunFiles.taskNode(summary, name));
                sections.add(ModelSection.read(task, "task" + i, "Task " + name, SummaryStats.quality(taskSummary),
                        true));
            }
        }
        sections.add(ThroughputSection.read(runDir));
        boolean tasksHaveSources = tasks.stream().anyMatch(t -> Files.isRegularFile(t.resolve(RunFolder.SOURCES)));
        if (Files.isRegularFile(runDir.resolve(RunFolder.SOURCES)) || !tasksHaveSources) {
            sections.add(SourcesSection.read(runDir.resolve(RunFolder.SOURCES), "sources", "Data sources"));
        }

        return new ReportData(
                text(summary, "job", "unknown"),
                text(summary, "status", "unknown"),
                text(summary, "mode", "unknown"),
                summary.hasNonNull("failure") ? summary.get("failure").asText() : null,
                SummaryStats.headline(summary),
                sections);
    }

    private static String text(JsonNode node, String field, String fallback) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() || v.asText().isBlank() ? fallback : v.asText();
    }
}
