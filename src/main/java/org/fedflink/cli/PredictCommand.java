package org.fedflink.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.fedflink.artifact.ArtifactException;
import org.fedflink.artifact.RunFolder;
import org.fedflink.data.FormatException;
import org.fedflink.data.InputFormat;
import org.fedflink.data.InputPaths;
import org.fedflink.predict.FilePredictor;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code fedflink predict MODEL_OR_RUN_DIR --input FILE}: scores a file with a saved model version.
 * The work is {@link RunFolder} (find and verify the model) and {@link FilePredictor} (read, scale,
 * score, write); this class only maps options and errors.
 */
@Command(
        name = "predict",
        description = "Scores a file with a saved model version of a run: one JSON line per input row (line, source,"
                + " label, prediction, probability, modelVersion; or the row's error), then a summary on stderr"
                + " (rows scored, invalid rows, accuracy or RMSE when the rows have labels). The file is parsed and"
                + " scaled as the run's training input was (preprocessing.json in the run folder).",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the file was scored (invalid rows are reported, not fatal)",
                "1:reading or writing failed",
                "2:invalid arguments; no such model, version or task; a corrupt model; an input that is not its"
                        + " format"})
public final class PredictCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    @Parameters(index = "0", paramLabel = "MODEL_OR_RUN_DIR",
            description = "A run folder, its models/ folder (or a task's, or baseline/models/), or one"
                    + " vNNNNNNNN.json model file.")
    Path model;

    @Option(names = "--input", required = true, paramLabel = "FILE",
            description = "The file to score (plain or gzip); for idx, the images file.")
    Path input;

    @Option(names = "--labels", paramLabel = "FILE", description = "The IDX labels file of idx images (optional).")
    Path labels;

    @Option(names = "--version", paramLabel = "N|latest", defaultValue = "latest",
            description = "The model version (default: latest).")
    String version;

    @Option(names = "--baseline", description = "Use the centralized baseline's model.")
    boolean baseline;

    @Option(names = "--task", paramLabel = "NAME", description = "The task, in a run of several tasks.")
    String task;

    @Option(names = "--format", paramLabel = "jsonl|csv|libsvm|idx",
            description = "The input's format (default: from the file name, else the run's training input).")
    String format;

    @Option(names = "--out", paramLabel = "FILE", description = "Where to write the JSON lines (default: stdout).")
    Path out;

    @Option(names = "--probabilities", description = "Also write every class's probability.")
    boolean probabilities;

    /** How often a progress line is printed on large files (tests shorten it). */
    static Duration progressInterval = Duration.ofSeconds(5);

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        Long wanted;
        InputFormat inputFormat;
        try {
            wanted = version(version);
            inputFormat = format(format);
        } catch (IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            return 2;
        }
        RunFolder.Selection selection = new RunFolder.Selection(task, baseline, wanted);
        FilePredictor.Summary summary;
        try {
            // named by their options: "--input: data.csv does not exist"
            InputPaths.requireFile("--input", input);
            if (labels != null) {
                InputPaths.requireFile("--labels", labels);
            }
            RunFolder.LocatedModel located = RunFolder.load(model, selection);
            if (located.preprocessing().isEmpty()) {
                err.println("note: " + located.runFolder() + " has no preprocessing.json (a generator run, or one"
                        + " from before it was recorded): no feature scaling, default field names");
            }
            FilePredictor predictor = FilePredictor.builder(located.model(), input)
                    .preprocessing(located.preprocessing().orElse(null))
                    .format(inputFormat)
                    .labels(labels)
                    .probabilities(probabilities)
                    .progress(progressInterval, (rows, invalid, millis) -> err.println(String.format(Locale.ROOT,
                            "predict: %d rows (%d invalid), %.0f rows/s", rows, invalid,
                            rows * 1000.0 / Math.max(1, millis))))
                    .build();
            summary = out == null ? predictor.run(spec.commandLine().getOut()) : runToFile(predictor, out);
        } catch (ArtifactException | FormatException e) {
            err.println("error: " + e.getMessage());
            return 2;
        }
        err.println(summary.describe());
        return 0;
    }

    /** Writes to a temporary file moved into place at the end, so a failed run leaves no partial output. */
    private static FilePredictor.Summary runToFile(FilePredictor predictor, Path target) throws IOException {
        Path absolute = target.toAbsolutePath();
        if (absolute.getParent() != null) {
            Files.createDirectories(absolute.getParent());
        }
        Path tmp = absolute.resolveSibling(absolute.getFileName() + ".tmp");
        try {
            FilePredictor.Summary summary;
            try (Writer writer = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                summary = predictor.run(writer);
            }
            Files.move(tmp, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return summary;
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    static Long version(String text) {
        if (text == null || text.equalsIgnoreCase("latest")) {
            return null;
        }
        try {
            long v = Long.parseLong(text.strip());
            if (v >= 0) {
                return v;
            }
        } catch (NumberFormatException e) {
            // the message below
        }
        throw new IllegalArgumentException("--version must be a version number >= 0 or latest, got '" + text + "'");
    }

    static InputFormat format(String text) {
        if (text == null) {
            return null;
        }
        try {
            return InputFormat.valueOf(text.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--format must be one of jsonl, csv, libsvm, idx, got '" + text + "'");
        }
    }
}
